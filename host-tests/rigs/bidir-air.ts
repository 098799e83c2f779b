/**
 * A small bidirectional air for the command tests: bidirectional meters (a valve actuator, a meter that answers
 * REQ-UD2 with a longer telegram) send in T2 or C2, open their receive window after each frame (the EN 13757-4
 * response delay, taken here from the meter's side: docs/bidirectional.md), and receive the gateway's downlink
 * only if its preamble starts inside that window. A simulated transceiver implements the gateway's
 * Transmitter: it needs `prepareMs` from the call to the first bit (the turnaround a real radio needs), so a
 * slow gateway visibly misses the 2–3 ms window of T2. Air times come from firmware/phy/modes.ts.
 *
 * The meter side is written from the protocol facts (decode with the project's decoder, encode with its
 * encoder), not from firmware/gateway/commands.ts.
 */
import { airtimeMicros, linkMode, type LinkModeName } from "../../firmware/phy/modes.js";
import { encodeTelegram, type EncodeKey } from "../../firmware/encoder/encode.js";
import { stripFrameA } from "../../firmware/link/frame-format.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import type { AplItem } from "../../firmware/application/record-encode.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import type { Transmitter, TransmitRequest, TransmitResult } from "../../firmware/radio/transmit.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import { toHex, fromHex } from "../../firmware/util/hex.js";
import type { VirtualClock } from "../sim/mbus/virtual-clock.js";

/** The meter side's receive window after its own frame, ms (same numbers as docs/bidirectional.md). */
const METER_WINDOW: { readonly [m: string]: { open: number; close: number; down: LinkModeName; up: LinkModeName } } = {
  T: { open: 2, close: 3, down: "T2-down", up: "T2" },
  C: { open: 99.5, close: 100.5, down: "C2-down", up: "C2" }, // ELL CC D = 1 (fast response)
};

export interface BidirMeterOptions {
  id: string;
  mode: "T" | "C";
  key: Uint8Array;
  intervalMs: number;
  /** First transmission at this time. */
  firstAt: number;
  kind: "valve" | "meter";
}

export class BidirMeter {
  readonly o: BidirMeterOptions;
  readonly address: Uint8Array;
  valve: "open" | "closed" = "open";
  acc = 0x10;
  volumeL = 12345;
  windowOpen?: { from: number; to: number };
  readonly log: string[] = [];
  constructor(o: BidirMeterOptions, address: Uint8Array) {
    this.o = o;
    this.address = address;
  }

  #key(cipher: BlockCipher): EncodeKey {
    return { cipher, key: this.o.key.slice() };
  }

  /** Records of the meter's regular telegram: volume in litres (0C 13) and, for the valve, its state (01 FD 1F). */
  records(long: boolean): AplItem[] {
    const apl: AplItem[] = [{ kind: "filler", count: 2 }, { kind: "record", record: { dataField: 0xc, vib: fromHex("13"), value: this.volumeL / 1000, exponent: -3 } }];
    if (this.o.kind === "valve") apl.push({ kind: "record", record: { dataField: 1, vib: fromHex("FD1F"), data: Uint8Array.of(this.valve === "open" ? 1 : 0) } });
    if (long) for (let s = 1; s <= 6; s++) apl.push({ kind: "record", record: { dataField: 0xc, storage: s, vib: fromHex("13"), value: (this.volumeL - 100 * s) / 1000, exponent: -3 } });
    return apl;
  }

  /** A telegram with C-field `c`, TPL CI 7A mode 5 with CFG B A = 1 0 (a window after this frame). */
  /**
   * What the meter does with a downlink addressed to it (`f`: L first, CRCs stripped), and the frame it answers
   * with: SND-UD decrypted with its key, a 01 FD1F record setting the valve (0 closed, 1 open), answered with an
   * ACK; REQ-UD2 answered with the longer telegram; anything else (or a SND-UD that does not decrypt) unanswered.
   * Both air models (timing only here, chip level in valve-air.ts) send the answer in the meter's own way.
   */
  react(cipher: BlockCipher, f: Uint8Array): Uint8Array | undefined {
    const c = f[1];
    if ((c & 0xcf) === 0x43) {
      const res = new TelegramDecoder({ cipher }).decode(f, { key: toHex(this.o.key), crc: "none" });
      if (!res.ok || res.telegram.payloadState !== "decrypted") {
        this.log.push("SND-UD rejected: " + (res.error?.code ?? "not encrypted"));
        return undefined;
      }
      for (const r of res.telegram.records) if (r.header === "01FD1F" && this.o.kind === "valve") this.valve = r.data === "00" ? "closed" : "open";
      this.log.push("SND-UD accepted, valve " + this.valve);
      return encodeTelegram({ dll: { c: 0x00, address: this.address }, apl: [], crc: "A" });
    }
    if ((c & 0xcf) === 0x4b) {
      this.log.push("REQ-UD2");
      return this.frame(cipher, 0x08, true);
    }
    return undefined;
  }

  frame(cipher: BlockCipher, c: number, long = false): Uint8Array {
    const apl = this.records(long);
    // C mode: an ELL I with CC B (bidirectional) and D (fast response: the 100 ms window) (EN 13757-4 ELL CC)
    const ell = this.o.mode === "C" ? { ci: 0x8c as const, cc: 0xc0, acc: this.acc } : undefined;
    const plain = encodeTelegram({ dll: { c, address: this.address }, ell, tpl: { ci: 0x7a }, apl, crc: "none" });
    const len = plain.length - 15 - (ell ? 3 : 0);
    const blocks = Math.ceil(len / 16);
    apl.push({ kind: "filler", count: blocks * 16 - len });
    const cfg = 0x8000 | (5 << 8) | (blocks << 4);
    return encodeTelegram({ dll: { c, address: this.address }, ell, tpl: { ci: 0x7a, acc: this.acc, sts: 0, cfg, encrypt: true }, apl, crc: "A" }, this.#key(cipher));
  }
}

export interface AirOptions {
  clock: VirtualClock;
  cipher: BlockCipher;
  /** Gateway receive path: every intact frame the gateway's radio hears. */
  toGateway(frame: RadioFrame): void;
}

/** Duration in ms of a frame (with CRCs, format A) in `mode`. */
export function airtimeMs(mode: LinkModeName, frameWithCrc: Uint8Array): number {
  const stripped = stripFrameA(frameWithCrc);
  const l = stripped ? stripped[0] : frameWithCrc[0];
  return airtimeMicros(linkMode(mode), "A", l) / 1000;
}

export class BidirAir {
  readonly meters: BidirMeter[] = [];
  readonly #o: AirOptions;
  readonly downlinks: { at: number; meter?: string; heard: boolean; why: string }[] = [];

  constructor(o: AirOptions) {
    this.#o = o;
  }

  add(o: BidirMeterOptions, address: Uint8Array): BidirMeter {
    const m = new BidirMeter(o, address);
    this.meters.push(m);
    this.#schedule(m, o.firstAt);
    return m;
  }

  #schedule(m: BidirMeter, at: number): void {
    const clock = this.#o.clock;
    clock.set(() => {
      m.acc = (m.acc + 1) & 0xff;
      m.volumeL += 7;
      this.#send(m, m.frame(this.#o.cipher, 0x44));
      this.#schedule(m, clock.now() + m.o.intervalMs);
    }, at - clock.now());
  }

  /** The meter transmits now; the gateway hears the frame at its end; the meter then opens its window. */
  #send(m: BidirMeter, bytes: Uint8Array): void {
    const clock = this.#o.clock;
    const w = METER_WINDOW[m.o.mode];
    const end = clock.now() + airtimeMs(w.up, bytes);
    clock.set(() => {
      m.windowOpen = { from: end + w.open, to: end + w.close };
      this.#o.toGateway({ bytes, mode: m.o.mode, format: "A", rssiDbm: -70, receivedAt: end });
    }, end - clock.now());
  }

  /** A downlink whose preamble starts at `start` in `mode`. */
  deliver(bytes: Uint8Array, mode: LinkModeName, start: number, end: number): void {
    const stripped = stripFrameA(bytes);
    for (const m of this.meters) {
      if (!stripped || toHex(stripped, 4, 8) !== toHex(m.address, 2, 6)) continue;
      const w = METER_WINDOW[m.o.mode];
      const win = m.windowOpen;
      const inWindow = win !== undefined && mode === w.down && start >= win.from && start <= win.to;
      this.downlinks.push({ at: start, meter: m.o.id, heard: inWindow, why: inWindow ? "in window" : win ? `outside ${win.from.toFixed(2)}–${win.to.toFixed(2)}` : "no window" });
      if (!inWindow) continue;
      m.windowOpen = undefined;
      this.#o.clock.set(() => this.#receive(m, stripped, end), end - this.#o.clock.now());
    }
  }

  /** The meter reads a downlink addressed to it and answers after its own response delay. */
  #receive(m: BidirMeter, f: Uint8Array, end: number): void {
    const w = METER_WINDOW[m.o.mode];
    const reply = m.react(this.#o.cipher, f);
    if (reply !== undefined) this.#o.clock.set(() => this.#send(m, reply), end + w.open + 0.5 - this.#o.clock.now());
  }
}

/** The gateway's simulated transceiver: starts at the asked time, or `prepareMs` after the call if that is later. */
export class SimTransceiver implements Transmitter {
  prepareMs: number;
  readonly #clock: VirtualClock;
  readonly #air: BidirAir;
  readonly sent: { startedAt: number; endedAt: number }[] = [];
  constructor(clock: VirtualClock, air: BidirAir, prepareMs: number) {
    this.#clock = clock;
    this.#air = air;
    this.prepareMs = prepareMs;
  }
  transmit(req: TransmitRequest): Promise<TransmitResult> {
    const start = Math.max(req.startAt ?? 0, this.#clock.now() + this.prepareMs);
    const end = start + airtimeMs(req.mode, req.bytes);
    this.#air.deliver(req.bytes, req.mode, start, end);
    return new Promise((resolve) => {
      this.#clock.set(() => {
        this.sent.push({ startedAt: start, endedAt: end });
        resolve({ ok: true, startedAt: start, endedAt: end });
      }, end - this.#clock.now());
    });
  }
}
