/**
 * The gateway pipeline: RadioFrame → telegram id → dedup → meter registry → decode/decrypt → reading → uplink.
 * Pure: clock, AES and uplink hub are injected; no Node or Moddable import. Never throws for frame content:
 * every frame ends in exactly one counter (duplicate, unknown meter, decode error by code, or reading).
 *
 * Dedup runs before decryption (telegram-id.ts hashes the frame minus the repeater bits), so a repeated copy
 * costs no AES work and does not trip the replay guard, and two gateways name the same telegram alike.
 */
import { TelegramDecoder } from "../decoder/decoder.js";
import type { MemoSizes } from "../application/format-cache.js";
import { ReadingSession } from "../meters/session.js";
import { UserDrivers } from "../meters/user-drivers.js";
import { ReplayGuard } from "../security/replay.js";
import { KeyStore } from "../security/key-store.js";
import type { BlockCipher } from "../security/block-cipher.js";
import type { Clock } from "../platform/services.js";
import type { RadioFrame } from "../radio/radio.js";
import type { Telegram } from "../telegram.js";
import type { OutgoingReading, UplinkHub } from "../uplink/uplink.js";
import type { RawOutput } from "../uplink/raw.js";
import { problemText, publicConfig, type ConfigProblem, type GatewayConfig, type MeterConfig } from "./config.js";
import { DedupWindow, type DedupOptions } from "./dedup.js";
import { identify, repeaterFields } from "./telegram-id.js";
import { stripFrameA, stripFrameB } from "../link/frame-format.js";
import { CiChain } from "../transport/ci-chain.js";
import type { PassCounter } from "../vocabulary.js";
import { UnknownMeterTable, type UnknownMeter } from "./unknown-meters.js";
import type { GatewayStats, MeterStatus, StatusDocument, StatusParts } from "../uplink/status.js";

export interface GatewayOptions {
  config: GatewayConfig;
  /** Problems found while loading the config; reported in every status snapshot. */
  configProblems?: readonly ConfigProblem[];
  clock: Clock;
  cipher?: BlockCipher;
  hub: UplinkHub;
  dedup?: DedupOptions;
  /** Unknown meters remembered (16 bytes each, default 64). */
  unknownCapacity?: number;
  /** Receiver name put in readings as "device" (wmbusmeters' receiver field). */
  device?: string;
  /** The decoder's memo sizes (default: the device's; a host gateway keeps more, host/host-memo.ts). */
  memo?: MemoSizes;
  /** Raw frame output (firmware/uplink/raw.ts): every CRC-checked frame, duplicates included, before decoding. */
  raw?: RawOutput;
  /** Called with every radio telegram of a configured meter that decoded (the command queue's window trigger). */
  onTelegram?: (meterId: string, t: Telegram, frame: RadioFrame) => void;
  /** Counts DLL CRC strips and CI-chain walks (a test's spy: one each per frame). */
  counter?: PassCounter;
}

/** decodeErrors code of a telegram refused because its meter has a key and it was not encrypted with it. */
export const UNENCRYPTED = "unencrypted_for_keyed_meter";

/** What happened to one frame. */
export type FrameVerdict = "reading" | "duplicate" | "unknown_meter" | "bad_frame" | "decode_error";

interface MeterState {
  cfg: MeterConfig;
  count: number;
  lastSeen: number;
  rssiDbm: number;
}

/** "2024-05-01T12:00:00Z" (readings carry whole seconds, as wmbusmeters prints them). */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19) + "Z";
}

export class Gateway {
  #config: GatewayConfig;
  configProblems: readonly ConfigProblem[];
  readonly unknown: UnknownMeterTable;
  readonly #clock: Clock;
  readonly #hub: UplinkHub;
  readonly #session: ReadingSession;
  /** The one key provider: filled from the settings by #setMeters. */
  readonly #keys = new KeyStore();
  readonly #dedup: DedupWindow;
  readonly #meters = new Map<string, MeterState>();
  readonly #device?: string;
  readonly #raw?: RawOutput;
  readonly #onTelegram?: (meterId: string, t: Telegram, frame: RadioFrame) => void;
  readonly #startedAt: number;
  readonly #counter?: PassCounter;
  /** The CI-chain walk of the current frame: done once for the telegram id, reused by the decoder. */
  readonly #chain = new CiChain();
  /** The counters; unknownMeters and dedupEvicted are filled in by stats(). */
  readonly #stats: Omit<GatewayStats, "unknownMeters" | "dedupEvicted"> = {
    frames: 0, repeated: 0, duplicates: 0, badFrames: 0, decoded: 0, readings: 0,
    decodeErrors: {}, noKey: 0, unknownFrames: 0,
  };

  constructor(opts: GatewayOptions) {
    this.#config = opts.config;
    this.configProblems = opts.configProblems ?? [];
    this.#clock = opts.clock;
    this.#hub = opts.hub;
    this.#device = opts.device;
    this.#raw = opts.raw;
    this.#onTelegram = opts.onTelegram;
    this.#dedup = new DedupWindow(opts.dedup);
    this.unknown = new UnknownMeterTable(opts.unknownCapacity ?? 64);
    this.#counter = opts.counter;
    // The one key provider (the decoder's KeyStore, filled by #setMeters): the decoder's OMS security and the
    // readings' manufacturer decryption both use it.
    const decoder = new TelegramDecoder({ cipher: opts.cipher, keys: this.#keys, replay: new ReplayGuard(), counter: opts.counter, memo: opts.memo });
    this.#setMeters(opts.config.meters);
    this.#session = new ReadingSession(decoder);
    this.#session.drivers = new UserDrivers(opts.config.drivers ?? []);
    this.#startedAt = opts.clock.now();
  }

  get config(): GatewayConfig {
    return this.#config;
  }

  /** Meters and keys from the settings; counters of meters that stay are kept. */
  #setMeters(meters: readonly MeterConfig[]): void {
    const keys = this.#keys;
    keys.clear();
    const old = new Map(this.#meters);
    this.#meters.clear();
    for (const m of meters) {
      if (m.key) keys.set(m.id, m.key); // validated by parseConfig
      const was = old.get(m.id);
      this.#meters.set(m.id, was ? { ...was, cfg: m } : { cfg: m, count: 0, lastSeen: 0, rssiDbm: 0 });
    }
  }

  /**
   * New settings without a restart (web settings page): meters, keys, names and identity take effect for the
   * next frame; the caller swaps the uplinks and restarts the radio when those changed.
   */
  reconfigure(config: GatewayConfig, problems: readonly ConfigProblem[] = []): void {
    this.#config = config;
    this.configProblems = problems;
    this.#setMeters(config.meters);
    this.#session.drivers = new UserDrivers(config.drivers ?? []);
  }

  /** Handles one frame from the radio. Never throws for frame content. */
  handleFrame(frame: RadioFrame): FrameVerdict {
    const s = this.#stats;
    s.frames++;
    const now = this.#clock.now();
    // Strip once, carry forward: a radio hands the frame over without CRCs (it checked them); only a source
    // that did not (a replay, a test) is stripped here. The id's CI-chain walk is the decoder's too.
    let stripped = frame.stripped;
    if (!stripped) {
      if (this.#counter) this.#counter.crcStrips++;
      stripped = (frame.format === "B" ? stripFrameB(frame.bytes) : stripFrameA(frame.bytes)) ?? undefined;
    }
    const ident = stripped ? identify(stripped, this.#chain, this.#counter) : undefined;
    if (!stripped || !ident) {
      s.badFrames++;
      return "bad_frame";
    }
    if (ident.repeated) s.repeated++;
    // Identity binding (docs/reliability.md): the meter is the TPL long-header address where present (the DLL
    // address may be a radio converter's, protocol.md §5.2), else the link address — never the link address
    // of a frame whose TPL names another meter, or anyone could publish under any id next to a configured one.
    const meter = this.#meters.get(ident.tplId ?? ident.dllId);
    if (this.#raw) this.#raw.offer({ stripped: ident.stripped, mode: frame.mode, format: frame.format, rssiDbm: frame.rssiDbm, time: now, id: ident.dllId, telegramId: ident.id }, meter?.cfg);
    if (this.#dedup.isDuplicate(ident.id, now)) {
      s.duplicates++;
      return "duplicate";
    }
    if (!meter) {
      s.unknownFrames++;
      this.unknown.heard(ident.stripped, frame.rssiDbm, frame.mode, now, ident.tplId !== undefined ? repeaterFields(ident.stripped).tplAddress : -1);
      return "unknown_meter";
    }
    meter.rssiDbm = frame.rssiDbm;
    return this.#read(meter, stripped, ident.id, ident.manufacturer, now, frame.rssiDbm, frame);
  }

  /**
   * A telegram a wired M-Bus master polled from configured meter `meterId` (firmware/wired): no radio
   * dedup (every poll is a reading), the same decode → reading → uplink path as radio telegrams.
   */
  handleWired(bytes: Uint8Array, meterId: string, pollId: string): FrameVerdict {
    this.#stats.frames++;
    const meter = this.#meters.get(meterId);
    if (!meter) {
      this.#stats.unknownFrames++;
      return "unknown_meter";
    }
    return this.#read(meter, bytes, "wired-" + pollId, "", this.#clock.now(), undefined);
  }

  /** `bytes`: a radio frame without its CRCs (checked as `frame.format`; walked into #chain), or a wired telegram. */
  #read(meter: MeterState, bytes: Uint8Array, telegramId: string, manufacturer: string, now: number, rssi: number | undefined, frame?: RadioFrame): FrameVerdict {
    const s = this.#stats;
    meter.count++;
    meter.lastSeen = now;
    const cfg = meter.cfg;
    let keyUsed = false; // a manufacturer-specific decoder decrypted with the meter's key
    const { result, reading } = this.#session.read(bytes, {
      checked: frame ? frame.format : undefined,
      chain: frame ? this.#chain : undefined,
      raw: frame ? frame.bytes : undefined,
      name: cfg.name,
      driver: cfg.driver === "auto" ? undefined : cfg.driver,
      timestamp: isoSeconds(now),
      rssi_dbm: rssi,
      device: this.#device,
      meterKeyUsed: () => { keyUsed = true; },
      keep: (r) => this.#accepts(cfg, r.telegram.payloadState, keyUsed),
    });
    if (frame && result.ok && result.telegram.meter && result.telegram.meter.id !== cfg.id) {
      // The TPL was inside the ELL ciphertext and names another meter: the same binding, seen after decryption.
      s.unknownFrames++;
      this.unknown.heard(result.telegram.bytes, frame.rssiDbm, frame.mode, now);
      return "unknown_meter";
    }
    if (!result.ok) {
      const code = result.error ? result.error.code : "unknown";
      s.decodeErrors[code] = (s.decodeErrors[code] ?? 0) + 1;
      if (code === "no_key") s.noKey++;
      return "decode_error";
    }
    const state = result.telegram.payloadState;
    if (!this.#accepts(cfg, state, keyUsed)) {
      s.decodeErrors[UNENCRYPTED] = (s.decodeErrors[UNENCRYPTED] ?? 0) + 1;
      return "decode_error";
    }
    if (cfg.key && state !== "decrypted" && !keyUsed) reading.payload_state = state; // allowed, and marked
    s.decoded++;
    if (frame && this.#onTelegram) this.#onTelegram(cfg.id, result.telegram, frame);
    const out: OutgoingReading = {
      readingId: this.config.gatewayId + "/" + telegramId,
      telegramId,
      meterId: typeof reading.id === "string" && reading.id !== "" ? reading.id : cfg.id,
      meterName: cfg.name,
      driver: String(reading.meter),
      media: String(reading.media),
      manufacturer: manufacturer || (result.telegram.meter?.manufacturer ?? ""),
      reading,
      receivedAt: now,
    };
    s.readings++;
    this.#hub.submit(out);
    return "reading";
  }

  /**
   * No downgrade (docs/reliability.md): a meter with a key accepts only telegrams decrypted and verified with
   * it — anyone can send a plain telegram under its id — unless its settings allow unencrypted ones. A driver
   * that decrypts its manufacturer-specific payload with the key (`keyUsed`) counts as decrypted: what a sender
   * without the key puts there decrypts to noise, not to values of its choosing.
   */
  #accepts(cfg: MeterConfig, state: string, keyUsed: boolean): boolean {
    return !cfg.key || state === "decrypted" || keyUsed || cfg.allowUnencrypted === true;
  }

  /** A copy of the counters. */
  stats(): GatewayStats {
    const s = this.#stats;
    return { ...s, decodeErrors: { ...s.decodeErrors }, unknownMeters: this.unknown.size, dedupEvicted: this.#dedup.evictedInWindow };
  }

  unknownMeters(): UnknownMeter[] {
    return this.unknown.list();
  }

  /**
   * The status snapshot for the status topic / web page: identity, counters, config problems, configured
   * meters with their last contact, and the unknown meters heard (at most `maxUnknown`, most recent first).
   * Contains no key or password (publicConfig).
   */
  status(parts: StatusParts = {}, maxUnknown = 20): StatusDocument {
    const now = this.#clock.now();
    const meters: MeterStatus[] = [];
    for (const m of this.#meters.values()) {
      meters.push({ id: m.cfg.id, name: m.cfg.name, driver: m.cfg.driver, telegrams: m.count, last_seen: m.count ? isoSeconds(m.lastSeen) : null, rssi_dbm: m.count ? m.rssiDbm : null });
    }
    const unknown = this.unknown.list().slice(0, maxUnknown).map((u) => ({
      id: u.id, manufacturer: u.manufacturer, version: u.version, device_type: u.deviceType, media: u.media,
      rssi_dbm: u.rssiDbm, mode: u.mode, count: u.count, last_seen: isoSeconds(u.lastSeen),
    }));
    return {
      gateway: this.config.gatewayId,
      name: this.config.gatewayName,
      time: isoSeconds(now),
      uptime_s: Math.floor((now - this.#startedAt) / 1000),
      radio_mode: this.config.radioMode,
      stats: this.stats(),
      config_problems: this.configProblems.map(problemText),
      config: publicConfig(this.config),
      meters,
      unknown_meters: unknown,
      ...(this.#raw ? { raw: this.#raw.stats() } : {}),
      ...parts,
    };
  }

  /** Sends the status document to the hub (status topic): the same document the web page shows for the same parts. */
  publishStatus(parts: StatusParts = {}): void {
    this.#hub.gatewayStatus(this.status(parts));
  }
}
