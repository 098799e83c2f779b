/**
 * A simulated wired M-Bus segment (EN 13757-2) behind the SerialLine seam: slaves that answer SND_NKE,
 * REQ_UD2 (with FCB: a repeated FCB repeats the last answer, a toggled one advances through the slave's
 * telegrams), and secondary-address selection (CI 0x52 with F wildcards). Timing is real: characters take
 * 11 bit times, a slave answers after its own delay, bytes arrive one by one. Several slaves answering at
 * once superpose as a wired-AND of their bits (a space from any slave wins), so equal E5s look like one E5
 * and different frames turn into a checksum failure, as on a real bus.
 *
 * Written from the protocol facts in docs/wired.md, independently of firmware/wired/master.ts.
 */
import { BITS_PER_CHAR, type BaudRate, type LineTimers, type SerialLine } from "../../../firmware/wired/line.js";
import { matchesMask, type SecondaryAddress } from "../../../firmware/wired/frames.js";

export type SlaveBehaviour =
  | "normal"
  /** Never answers anything. */
  | "silent"
  /** Answers REQ_UD2 with a frame whose checksum is wrong (and every other request normally). */
  | "garbage"
  /** Loses its first answer to each REQ_UD2 (the master's retry with the same FCB gets it). */
  | "flaky";

export interface SimSlaveOptions {
  primary: number;
  /** Secondary address; undefined: the slave does not implement secondary addressing. */
  secondary?: SecondaryAddress;
  /** Its telegrams in order; all but the last should end with DIF 1F. The A-field is rewritten to `primary`. */
  telegrams: Uint8Array[];
  behaviour?: SlaveBehaviour;
  /** Milliseconds from the end of the request to its first answer byte (default 3 ms ≈ 7 bit times at 2400 Bd). */
  delayMs?: number;
  baud?: BaudRate;
  name?: string;
}

export class SimSlave {
  readonly o: SimSlaveOptions;
  selected = false;
  /** FCB of the last REQ_UD2 with FCV, undefined after SND_NKE. */
  lastFcb: number | undefined;
  index = 0;
  answersToReq = 0;
  requestsSeen = 0;
  constructor(o: SimSlaveOptions) {
    this.o = o;
  }
  get name(): string {
    return this.o.name ?? `slave ${this.o.primary}`;
  }
  telegram(i: number): Uint8Array {
    const t = this.o.telegrams[i].slice();
    t[5] = this.o.primary;
    let cs = 0;
    for (let k = 4; k < t.length - 2; k++) cs = (cs + t[k]) & 0xff;
    t[t.length - 2] = cs;
    return t;
  }
}

function sum(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s = (s + b[i]) & 0xff;
  return s;
}

/** What the master sent, as a slave's link layer reads it. */
type Request =
  | { kind: "short"; c: number; a: number }
  | { kind: "long"; c: number; a: number; ci: number; data: Uint8Array }
  | { kind: "bad" };

function parseRequest(b: Uint8Array): Request {
  if (b.length === 5 && b[0] === 0x10 && b[4] === 0x16 && sum(b, 1, 3) === b[3]) return { kind: "short", c: b[1], a: b[2] };
  if (b.length >= 9 && b[0] === 0x68 && b[3] === 0x68 && b[1] === b[2] && b.length === b[1] + 6 && sum(b, 4, b.length - 2) === b[b.length - 2]) {
    return { kind: "long", c: b[4], a: b[5], ci: b[6], data: b.slice(7, b.length - 2) };
  }
  return { kind: "bad" };
}

function secondaryOf(data: Uint8Array): SecondaryAddress {
  let id = "";
  for (let i = 3; i >= 0; i--) id += data[i].toString(16).padStart(2, "0").toUpperCase();
  return { id, manufacturer: data[4] | (data[5] << 8), version: data[6], medium: data[7] };
}

export class SimSegment implements SerialLine {
  readonly slaves: SimSlave[];
  readonly #timers: LineTimers;
  #baud: BaudRate = 2400;
  #onBytes?: (b: Uint8Array) => void;
  /** Every request the master wrote, for the tests. */
  readonly log: { t: number; bytes: Uint8Array }[] = [];

  constructor(timers: LineTimers, slaves: SimSlaveOptions[]) {
    this.#timers = timers;
    this.slaves = slaves.map((s) => new SimSlave(s));
  }

  open(baud: BaudRate, onBytes: (bytes: Uint8Array) => void): void {
    this.#baud = baud;
    this.#onBytes = onBytes;
  }

  close(): void {
    this.#onBytes = undefined;
  }

  charMs(): number {
    return (BITS_PER_CHAR * 1000) / this.#baud;
  }

  write(bytes: Uint8Array): void {
    this.log.push({ t: this.#timers.ticks(), bytes: bytes.slice() });
    const endOfRequest = this.#timers.ticks() + bytes.length * this.charMs();
    const req = parseRequest(bytes);
    const answers: { at: number; bytes: Uint8Array }[] = [];
    for (const s of this.slaves) {
      if ((s.o.baud ?? 2400) !== this.#baud) continue; // a slave at another speed sees noise
      const a = this.#answer(s, req);
      if (a) answers.push({ at: endOfRequest + (s.o.delayMs ?? 3), bytes: a });
    }
    this.#transmit(answers);
  }

  #answer(s: SimSlave, req: Request): Uint8Array | undefined {
    if (req.kind === "bad" || s.o.behaviour === "silent") return undefined;
    const addressed = (a: number): boolean => a === s.o.primary || a === 0xfe || (a === 0xfd && s.selected);
    if (req.kind === "long") {
      if (req.a === 0xfd && req.ci === 0x52 && (req.c & 0x4f) === 0x43 && req.data.length === 8) {
        if (!s.o.secondary) return undefined;
        s.selected = matchesMask(s.o.secondary, secondaryOf(req.data));
        return s.selected ? Uint8Array.of(0xe5) : undefined;
      }
      return addressed(req.a) ? Uint8Array.of(0xe5) : undefined; // other SND_UD: acknowledged
    }
    if (!addressed(req.a) && req.a !== 0xff) return undefined;
    const fn = req.c & 0x4f;
    if (req.c === 0x40) {
      s.lastFcb = undefined;
      s.index = 0;
      const wasSelected = s.selected;
      if (req.a === 0xfd) s.selected = false; // SND_NKE to 0xFD ends the selection
      return req.a === 0xff ? undefined : wasSelected || req.a !== 0xfd ? Uint8Array.of(0xe5) : undefined;
    }
    if (fn === 0x4b && req.a !== 0xff) {
      s.requestsSeen++;
      const fcv = (req.c & 0x10) !== 0;
      const fcb = req.c & 0x20;
      if (fcv && s.lastFcb !== undefined && fcb !== s.lastFcb) {
        // toggled FCB: the last answer arrived, go on (or start over after the last telegram)
        s.index = s.index + 1 < s.o.telegrams.length ? s.index + 1 : 0;
      }
      if (fcv) s.lastFcb = fcb;
      if (s.o.behaviour === "flaky" && s.requestsSeen % 2 === 1) return undefined;
      const t = s.telegram(s.index);
      s.answersToReq++;
      if (s.o.behaviour === "garbage") t[t.length - 2] ^= 0x5a;
      return t;
    }
    return undefined;
  }

  /** Sends the answers byte by byte; overlapping answers mix as a wired-AND. */
  #transmit(answers: { at: number; bytes: Uint8Array }[]): void {
    if (answers.length === 0) return;
    const ms = this.charMs();
    const start = Math.min(...answers.map((a) => a.at));
    const slots = new Map<number, number>();
    for (const a of answers) {
      const off = Math.round((a.at - start) / ms);
      for (let i = 0; i < a.bytes.length; i++) {
        const k = off + i;
        slots.set(k, slots.has(k) ? slots.get(k)! & a.bytes[i] : a.bytes[i]);
      }
    }
    const keys = [...slots.keys()].sort((x, y) => x - y);
    for (const k of keys) {
      const byte = slots.get(k)!;
      this.#timers.set(() => {
        if (this.#onBytes) this.#onBytes(Uint8Array.of(byte));
      }, start + (k + 1) * ms - this.#timers.ticks());
    }
  }
}
