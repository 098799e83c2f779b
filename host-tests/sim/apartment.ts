/**
 * A simulated apartment building: ≈40 meters built from real corpus telegrams (water, heat, heat cost
 * allocators, electricity, smoke detectors, room sensors) that send on T1, C1 or S1 at their own intervals,
 * encrypted with their keys (TPL mode 5, mode 7 + AFL CMAC, ELL AES-CTR, via firmware/security/seal.ts), with a
 * counter that advances and an access number that steps on every telegram. Some meters are heard only weakly
 * and are forwarded by a repeater (hop bit set, a second transmission a moment later); some are neighbours
 * that the gateway is not configured for.
 *
 * It produces *transmissions* ({at, mode, format, bytes with DLL CRCs, rssiDbm}) — what is on the air. A frame
 * source turns them into RadioFrames: host-tests/rigs/gateway-direct-source.ts (an ideal radio) or
 * host-tests/rigs/gateway-air-source.ts (the air model and a driver on its chip simulator).
 * Deterministic for a seed. Knows every telegram's expected reading value so tests can check the gateway.
 */
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import type { Telegram } from "../../firmware/telegram.js";
import type { DataRecord } from "../../firmware/application/record.js";
import { sealEllCtr, sealMode5, sealMode7 } from "../../firmware/security/seal.js";
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { repeaterFields } from "../../firmware/gateway/telegram-id.js";
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";
import { APARTMENT_METERS, type ApartmentMeterData } from "./apartment-meters.js";
import { Prng } from "./prng.js";
import { readRaw, valueCoding, writeRaw, type ValueCoding } from "./record-codec.js";

/** One frame on the air. */
export interface Transmission {
  /** Simulated time in ms (epoch) when the frame ends. */
  at: number;
  mode: PhyMode;
  format: FrameFormat;
  /** The frame with DLL CRCs, L first (what a radio's FIFO holds after line decoding). */
  bytes: Uint8Array;
  /** Signal strength at the gateway. */
  rssiDbm: number;
  meterId: string;
  /** The meter's telegram number (the original and its repeated copy share it). */
  seq: number;
  /** True for the repeater's copy (hop bit set). */
  repeated: boolean;
}

/** What the gateway should report for one telegram. */
export interface ExpectedTelegram {
  meterId: string;
  seq: number;
  at: number;
  mode: PhyMode;
  /** Reading fields and their values: the advancing counter plus the template's identity fields. */
  values: { [field: string]: number | string };
}

export type Security = "none" | "mode5" | "mode7" | "ell";

/** A counter record the meter advances: where its data sits and how it maps to the reading field. */
interface Counter {
  field: string;
  at: number;
  coding: ValueCoding;
  raw: number;
  /** reading value = raw × 10^pow10 */
  pow10: number;
  /** Totals only grow; temperatures wander. */
  kind: "total" | "level";
}

const ROUND = 1e6;

function scaled(raw: number, pow10: number): number {
  const v = pow10 >= 0 ? raw * 10 ** pow10 : raw / 10 ** -pow10;
  return Math.round(v * ROUND) / ROUND;
}

function isCounterCandidate(r: DataRecord): boolean {
  return r.storage === 0 && r.tariff === 0 && r.subunit === 0 && r.function === "instantaneous" && valueCoding(r.dif) !== undefined;
}

/** Preferred fields first: totals, then allocator units, then temperatures. */
function fieldRank(name: string): number {
  if (/^total_(m3|kwh|energy_consumption_kwh)$/.test(name)) return 0;
  if (/^total_/.test(name)) return 1;
  if (/(^current_consumption_hca|^consumption_hca|^current_hca)$/.test(name)) return 2;
  if (/temperature_c$/.test(name)) return 3;
  return 9;
}

/**
 * Finds the record behind a numeric field of the corpus' expected reading: a storage-0 instantaneous
 * integer/BCD record whose raw value × 10^k equals the expected value (k = −6…6, covering the unit scaling).
 */
function findCounter(t: Telegram, expected: Record<string, unknown>): Counter | undefined {
  const fields = Object.keys(expected).filter((k) => typeof expected[k] === "number" && expected[k] !== 0 && fieldRank(k) < 9);
  fields.sort((a, b) => fieldRank(a) - fieldRank(b));
  for (const field of fields) {
    const want = expected[field] as number;
    for (const r of t.records) {
      if (!isCounterCandidate(r)) continue;
      const coding = valueCoding(r.dif)!;
      const at = r.offset + r.header.length / 2;
      const raw = readRaw(t.bytes, at, coding);
      if (raw === undefined || raw === 0) continue;
      for (let k = -6; k <= 6; k++) {
        if (Math.abs(scaled(raw, k) - want) <= 1e-9 * Math.max(1, Math.abs(want))) {
          return { field, at, coding, raw, pow10: k, kind: fieldRank(field) === 3 ? "level" : "total" };
        }
      }
    }
  }
  return undefined;
}

export interface SimMeterOptions {
  data: ApartmentMeterData;
  cipher: BlockCipher;
  rand: () => number;
  startMs: number;
}

export class SimMeter {
  readonly data: ApartmentMeterData;
  readonly id: string;
  readonly mode: PhyMode;
  readonly format: FrameFormat;
  readonly security: Security;
  readonly intervalMs: number;
  readonly viaRepeater: boolean;
  readonly configured: boolean;
  /** AES key (32 hex digits) or undefined for a plaintext meter. */
  readonly keyHex?: string;
  readonly counter?: Counter;
  readonly sent: ExpectedTelegram[] = [];
  nextAt: number;
  seq = 0;
  readonly #cipher: BlockCipher;
  readonly #rand: () => number;
  readonly #plain: Uint8Array;
  readonly #accAt: number[];
  readonly #accStart: number;
  readonly #baseRssi: number;
  readonly #identity: { [field: string]: string };

  constructor(o: SimMeterOptions) {
    const d = o.data;
    this.data = d;
    this.id = d.id;
    this.mode = d.mode;
    this.format = d.mode === "C" ? "B" : "A"; // C1 meters mostly send frame format B (EN 13757-4 §5.2.3)
    this.security = d.security;
    this.intervalMs = d.intervalS * 1000;
    this.viaRepeater = d.repeater === true;
    this.configured = d.neighbour !== true;
    this.#cipher = o.cipher;
    this.#rand = o.rand;
    if (d.security !== "none") this.keyHex = d.key ?? randomKey(o.rand);
    const template = this.#plaintextTemplate();
    this.#plain = template.bytes.slice();
    this.counter = findCounter(template, d.expected);
    this.#accAt = accOffsets(template);
    this.#accStart = this.#accAt.length ? this.#plain[this.#accAt[0]] : 0;
    this.#baseRssi = this.viaRepeater ? -112 + 12 * o.rand() : -95 + 35 * o.rand();
    this.#identity = {};
    for (const k of ["meter", "media", "id"]) if (typeof d.expected[k] === "string") this.#identity[k] = d.expected[k] as string;
    this.nextAt = o.startMs + Math.floor(o.rand() * this.intervalMs);
  }

  /** The corpus telegram decoded to plaintext (decrypted with the corpus key where it has one). */
  #plaintextTemplate(): Telegram {
    const dec = new TelegramDecoder({ cipher: this.#cipher });
    const res = dec.decode(fromHex(this.data.telegram), this.data.key ? { key: this.data.key } : {});
    if (!res.ok) throw new Error(`meter ${this.id}: template does not decode: ${res.error?.message}`);
    return res.telegram;
  }

  /** The next telegram (advanced counter, next access number), sealed, as transmissions (a repeated copy too). */
  transmit(): Transmission[] {
    const seq = ++this.seq;
    const at = this.nextAt;
    const jitter = 0.9 + 0.2 * this.#rand(); // meters randomise their interval (EN 13757-4 §12.6.3 "nominal ± …")
    this.nextAt = at + Math.round(this.intervalMs * jitter);
    const buf = this.#plain.slice();
    const values: { [field: string]: number | string } = { ...this.#identity };
    const c = this.counter;
    if (c) {
      if (seq > 1) c.raw = this.#step(c);
      writeRaw(buf, c.at, c.coding, c.raw);
      values[c.field] = scaled(c.raw, c.pow10);
    }
    for (const p of this.#accAt) buf[p] = (this.#accStart + seq) & 0xff;
    const sealed = this.#seal(buf, seq);
    this.sent.push({ meterId: this.id, seq, at, mode: this.mode, values });
    const noise = () => Math.round((this.#rand() - 0.5) * 6);
    const out: Transmission[] = [{ at, mode: this.mode, format: this.format, bytes: this.#withCrc(sealed), rssiDbm: Math.round(this.#baseRssi) + noise(), meterId: this.id, seq, repeated: false }];
    if (this.viaRepeater) {
      const copy = sealed.slice();
      setHopBit(copy);
      const delay = 500 + Math.floor(1500 * this.#rand());
      out.push({ at: at + delay, mode: this.mode, format: this.format, bytes: this.#withCrc(copy), rssiDbm: -72 + noise(), meterId: this.id, seq, repeated: true });
    }
    return out;
  }

  #step(c: Counter): number {
    const r = this.#rand();
    if (c.kind === "level") return c.raw + (r < 0.33 ? -1 : r < 0.66 ? 0 : 1) * Math.max(1, Math.round(Math.abs(c.raw) / 200));
    return c.raw + Math.floor(r * 4); // 0..3 units per telegram: consumption never runs backwards
  }

  #seal(plain: Uint8Array, seq: number): Uint8Array {
    if (this.security === "none") return plain;
    const key = fromHex(this.keyHex!);
    const dec = new TelegramDecoder({ cipher: this.#cipher });
    const t = dec.decode(plain).telegram; // plaintext (or plaintext in place): only the layout is needed
    if (this.security === "mode5") return sealMode5(this.#cipher, key, t);
    if (this.security === "mode7") return sealMode7(this.#cipher, key, t, seq);
    if (t.ell && t.ell.snBytes) {
      // An existing ELL II keeps its layout; its session number steps (SN.ENC = 001, EN 13757-4 §13.2.12).
      const sn = ((seq & 0x1fffffff) | (1 << 29)) >>> 0;
      t.bytes.set([sn & 0xff, (sn >>> 8) & 0xff, (sn >>> 16) & 0xff, sn >>> 24], t.ell.crcOffset! - 4);
    }
    return sealEllCtr(this.#cipher, key, t, seq);
  }

  #withCrc(f: Uint8Array): Uint8Array {
    return this.format === "B" ? addFrameBCrc(f) : addFrameACrc(f);
  }

  /** Settings entry for this meter ({id, key, name, driver}). */
  configEntry(): { id: string; key?: string; name: string; driver: string } {
    const e: { id: string; key?: string; name: string; driver: string } = { id: this.id, name: this.data.name, driver: this.data.driver };
    if (this.keyHex) e.key = this.keyHex;
    return e;
  }

  describe(): string {
    return `${this.id} ${this.data.driver} ${this.mode}1 ${this.security}${this.viaRepeater ? " via repeater" : ""}${this.configured ? "" : " (neighbour)"}`;
  }
}

/** Offsets of the access numbers (ELL ACC, TPL ACC) in a plaintext telegram. */
function accOffsets(t: Telegram): number[] {
  const out: number[] = [];
  if (t.ell) out.push(12); // L C M A(8) CI CC ACC
  const tpl = t.tpl;
  if (tpl && tpl.acc !== undefined && tpl.securityMode !== 7 && tpl.cfgExt === undefined) out.push(tpl.payloadOffset - 4);
  return out;
}

/** What a repeater changes: the hop bit in the ELL CC, else in a mode 0/5 TPL CFG (EN 13757-4 Table 45; EN 13757-7 §7.6.2). */
export function setHopBit(frame: Uint8Array): void {
  const f = repeaterFields(frame);
  if (f.ellCc >= 0) frame[f.ellCc] |= 0x10;
  else if (f.tplCfg >= 0) frame[f.tplCfg] |= 0x01;
  else throw new Error("frame has no ELL and no mode 0/5 TPL header: a repeater could not mark it");
}

function randomKey(rand: () => number): string {
  const k = new Uint8Array(16);
  for (let i = 0; i < 16; i++) k[i] = Math.floor(rand() * 256);
  return toHex(k);
}

export interface ApartmentOptions {
  cipher: BlockCipher;
  seed?: number;
  /** Simulated start (ms since 1970); default 2026-01-05T08:00:00Z. */
  startMs?: number;
  /** Use only the first n meters of the building. */
  meters?: number;
}

export const DEFAULT_START_MS = Date.UTC(2026, 0, 5, 8, 0, 0);

export class Apartment {
  readonly meters: SimMeter[];
  readonly startMs: number;
  /** Transmissions scheduled but not yet handed out (repeated copies), by time. */
  readonly #pending: Transmission[] = [];

  constructor(opts: ApartmentOptions) {
    const prng = new Prng(opts.seed ?? 1); // the same seed gives the same building
    const rand = () => prng.next();
    this.startMs = opts.startMs ?? DEFAULT_START_MS;
    const list = APARTMENT_METERS.slice(0, opts.meters ?? APARTMENT_METERS.length);
    this.meters = list.map((data) => new SimMeter({ data, cipher: opts.cipher, rand, startMs: this.startMs }));
  }

  /** Raw settings for a gateway that knows the configured meters (neighbours left out). */
  settings(gatewayId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { gatewayId, gatewayName: "apartment " + gatewayId, radioMode: "TC", meters: this.meters.filter((m) => m.configured).map((m) => m.configEntry()), ...extra };
  }

  meter(id: string): SimMeter | undefined {
    return this.meters.find((m) => m.id === id);
  }

  /** Every transmission that ends before `until` (ms), in time order. Call repeatedly with growing `until`. */
  takeUntil(until: number): Transmission[] {
    const out: Transmission[] = [];
    for (;;) {
      let next: SimMeter | undefined;
      for (const m of this.meters) if (m.nextAt < until && (!next || m.nextAt < next.nextAt)) next = m;
      if (!next) break;
      for (const tx of next.transmit()) this.#pending.push(tx);
    }
    this.#pending.sort((a, b) => a.at - b.at);
    while (this.#pending.length && this.#pending[0].at < until) out.push(this.#pending.shift()!);
    return out;
  }

  /** Expected telegrams of one meter so far (originals; a repeated copy is the same telegram). */
  expected(meterId: string): ExpectedTelegram[] {
    return this.meter(meterId)?.sent ?? [];
  }
}
