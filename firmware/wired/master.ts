/**
 * Wired M-Bus master (EN 13757-2 link layer, EN 13757-3 application layer; M-Bus documentation rev. 4.8
 * §5 and §7, restated in docs/wired.md). Pure core: the line and the timers are injected, so the same code
 * runs on the ESP32 UART (device/serial-moddable.ts) and on the simulated segment of the host tests.
 *
 * One request at a time (the bus is half duplex). Every answer is classified: E5, a frame whose checksum and
 * stop byte verify, nothing within the answer time, or garbage (bad start, checksum, length, an incomplete
 * frame, or several slaves at once: the line is a wired-AND, so two answers mix into bytes that fail the
 * checksum). A request without a good answer is repeated up to `retries` times (default 2, as the
 * M-Bus documentation §5.4 recommends), with the same FCB so that a slave whose answer was lost repeats it.
 */
import { parseWired } from "../link/wired.js";
import { decodeTelegram } from "../decoder/decode.js";
import { answerTimeoutMs, gapTimeoutMs, type BaudRate, type LineTimers, type SerialLine } from "./line.js";
import type { WiredLineStatus } from "../uplink/status.js";
import {
  ADDRESS_SELECTED, ANY_SECONDARY, C_REQ_UD2, C_SND_NKE, FCB, RSP_UD_FUNCTION, secondaryText, selectFrame, shortFrame,
  type SecondaryAddress,
} from "./frames.js";

export type Answer =
  | { kind: "ack" }
  | { kind: "frame"; bytes: Uint8Array }
  | { kind: "none" }
  | { kind: "garbage"; bytes: Uint8Array; why: string };

/** Line counters: the status document's shape (uplink/status.ts). */
export type MasterStats = WiredLineStatus;

export interface MasterOptions {
  baud?: BaudRate;
  /** Repetitions of a request that got no valid answer (default 2). */
  retries?: number;
  /** Telegrams read from one slave at most while it says "more records follow" (default 16). */
  maxTelegrams?: number;
  /** The level converter echoes the master's own bytes on RX (some do): skip that many bytes first. */
  echo?: boolean;
}

/** The outcome of reading one slave: every telegram received, and why reading stopped early, if it did. */
export interface ReadResult {
  frames: Uint8Array[];
  error?: string;
}

export interface ScanResult {
  found: SecondaryAddress[];
  /** Masks where several slaves answered and narrowing could not separate them (e.g. equal IDs). */
  unresolved: string[];
  /** Selections sent during the scan. */
  probes: number;
}

/** Address fields of an RSP_UD: CI 72/76 long header (ID M V T) or CI 73/77 fixed structure (ID only). */
export function answerAddress(frame: Uint8Array): SecondaryAddress | undefined {
  if (frame.length < 12 || frame[0] !== 0x68) return undefined;
  const ci = frame[6];
  const hexId = (p: number) => {
    let s = "";
    for (let i = 3; i >= 0; i--) s += frame[p + i].toString(16).padStart(2, "0");
    return s.toUpperCase();
  };
  if ((ci === 0x72 || ci === 0x76) && frame.length >= 17) {
    return { id: hexId(7), manufacturer: frame[11] | (frame[12] << 8), version: frame[13], medium: frame[14] };
  }
  if (ci === 0x73 || ci === 0x77) return { id: hexId(7), manufacturer: 0xffff, version: 0xff, medium: 0xff };
  return undefined;
}

/** True when the telegram's records end with DIF 0x1F: the slave has more records in its next telegram (EN 13757-3 §6.3, Table 6). */
function moreRecordsFollow(frame: Uint8Array): boolean {
  const res = decodeTelegram(frame);
  return res.ok && res.telegram.records.some((r) => r.dif === 0x1f);
}

export class WiredMaster {
  readonly #line: SerialLine;
  readonly #timers: LineTimers;
  readonly #retries: number;
  readonly #maxTelegrams: number;
  readonly #echo: boolean;
  #baud: BaudRate;
  #onBytes?: (b: Uint8Array) => void;
  #open = false;
  readonly stats: MasterStats = { requests: 0, retries: 0, timeouts: 0, garbage: 0, frames: 0 };

  constructor(line: SerialLine, timers: LineTimers, opts: MasterOptions = {}) {
    this.#line = line;
    this.#timers = timers;
    this.#baud = opts.baud ?? 2400;
    this.#retries = opts.retries ?? 2;
    this.#maxTelegrams = opts.maxTelegrams ?? 16;
    this.#echo = opts.echo ?? false;
  }

  get baud(): BaudRate {
    return this.#baud;
  }

  /** Opens the line (again) at `baud`, 8E1. */
  open(baud: BaudRate = this.#baud): void {
    if (this.#open) this.#line.close();
    this.#baud = baud;
    this.#line.open(baud, (b) => {
      if (this.#onBytes) this.#onBytes(b); // bytes outside an exchange (noise, late answers) are dropped
    });
    this.#open = true;
  }

  close(): void {
    if (this.#open) this.#line.close();
    this.#open = false;
  }

  /** Sends one request and collects its answer (no retry). */
  exchange(request: Uint8Array): Promise<Answer> {
    if (!this.#open) this.open();
    const timers = this.#timers;
    const gap = gapTimeoutMs(this.#baud);
    return new Promise((resolve) => {
      const buf: number[] = [];
      let echo = this.#echo ? request.length : 0;
      let timer: unknown;
      let bad: string | undefined;
      let done = false;
      const finish = (a: Answer): void => {
        if (done) return;
        done = true;
        timers.clear(timer);
        this.#onBytes = undefined;
        resolve(a);
      };
      const arm = (ms: number, expire: () => void): void => {
        timers.clear(timer);
        timer = timers.set(expire, ms);
      };
      const garbage = (): Answer => ({ kind: "garbage", bytes: Uint8Array.from(buf), why: bad ?? "incomplete frame" });
      this.#onBytes = (bytes) => {
        for (let i = 0; i < bytes.length; i++) {
          if (echo > 0) echo--;
          else buf.push(bytes[i]);
        }
        if (buf.length === 0) return;
        if (bad === undefined) {
          const v = classify(buf);
          if (v === "more") {
            arm(gap, () => finish(garbage()));
            return;
          }
          if (typeof v !== "string") return finish(v);
          bad = v;
        }
        // garbage: wait for the line to go quiet so that its rest does not spill into the next exchange
        arm(gap, () => finish(garbage()));
      };
      this.#line.write(request);
      arm(answerTimeoutMs(this.#baud, request.length), () => finish(buf.length ? garbage() : { kind: "none" }));
    });
  }

  /** A request repeated until the wanted answer arrives or the retries are used up; returns the last answer. */
  async request(req: Uint8Array, want: "ack" | "frame"): Promise<Answer> {
    let a: Answer = { kind: "none" };
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) this.stats.retries++;
      this.stats.requests++;
      a = await this.exchange(req);
      if (a.kind === want) {
        if (a.kind === "frame") this.stats.frames++;
        return a;
      }
      if (a.kind === "none") this.stats.timeouts++;
      else if (a.kind === "garbage") this.stats.garbage++;
    }
    return a;
  }

  /** SND_NKE: resets the slave's link layer (FCB); a slave answers E5. Address 0xFD deselects the selected slave. */
  async sndNke(address: number): Promise<boolean> {
    return (await this.request(shortFrame(C_SND_NKE, address), "ack")).kind === "ack";
  }

  /** REQ_UD2 with the given FCB; the slave answers RSP_UD (a long frame). */
  reqUd2(address: number, fcb: boolean): Promise<Answer> {
    return this.request(shortFrame(C_REQ_UD2 | (fcb ? FCB : 0), address), "frame");
  }

  /**
   * Selects by secondary address (SND_UD, CI 0x52). One E5 = selected (an E5 from several slaves at once
   * looks the same: the read that follows tells them apart); garbage = several slaves answered differently.
   * Not repeated: a scan probes many masks that nobody answers.
   */
  async select(mask: SecondaryAddress): Promise<"none" | "ack" | "collision"> {
    this.stats.requests++;
    const a = await this.exchange(selectFrame(mask));
    if (a.kind === "ack") return "ack";
    if (a.kind === "none") return "none";
    return "collision";
  }

  /**
   * Reads every telegram of one slave: by primary address (SND_NKE first) or by secondary address (selection,
   * then address 0xFD). REQ_UD2 is repeated with a toggled FCB while the telegram ends with DIF 0x1F.
   */
  async read(target: number | SecondaryAddress): Promise<ReadResult> {
    let address: number;
    if (typeof target === "number") {
      address = target;
      if (!(await this.sndNke(address))) return { frames: [], error: "no answer to SND_NKE" };
    } else {
      const sel = await this.select(target);
      if (sel !== "ack") return { frames: [], error: sel === "none" ? "no slave answered the selection" : "several slaves answered the selection" };
      address = ADDRESS_SELECTED;
    }
    const frames: Uint8Array[] = [];
    let fcb = true; // after SND_NKE / selection the slave takes the first FCB as new (docs/wired.md)
    for (let n = 0; n < this.#maxTelegrams; n++) {
      const a = await this.reqUd2(address, fcb);
      if (a.kind !== "frame") {
        const why = a.kind === "none" ? "no answer to REQ_UD2" : a.kind === "garbage" ? "garbled answer to REQ_UD2: " + a.why : "E5 instead of RSP_UD";
        return { frames, error: why };
      }
      if (a.bytes[0] !== 0x68 || (a.bytes[4] & 0x0f) !== RSP_UD_FUNCTION) return { frames, error: `answer is not RSP_UD (C=${a.bytes[4]})` };
      frames.push(a.bytes);
      if (!moreRecordsFollow(a.bytes)) return { frames };
      fcb = !fcb;
    }
    return { frames, error: `more than ${this.#maxTelegrams} telegrams` };
  }

  /**
   * Wildcard scan over the ID digits (M-Bus documentation §7.3): select "d FFFFFFF" for d = 0..9; a single
   * answer is read at 0xFD to learn the full address; several answers (a garbled selection or read) narrow
   * the mask by the next digit. Finds every slave whose ID differs from the others in at least one digit.
   */
  async scan(mask: SecondaryAddress = ANY_SECONDARY): Promise<ScanResult> {
    const out: ScanResult = { found: [], unresolved: [], probes: 0 };
    await this.#scan(mask, 0, out);
    return out;
  }

  async #scan(base: SecondaryAddress, pos: number, out: ScanResult): Promise<void> {
    for (let d = 0; d <= 9; d++) {
      const id = base.id.slice(0, pos) + String(d) + base.id.slice(pos + 1);
      const mask = { ...base, id };
      out.probes++;
      const sel = await this.select(mask);
      if (sel === "none") continue;
      let several = sel === "collision";
      if (!several) {
        const a = await this.reqUd2(ADDRESS_SELECTED, true); // with retries: a lost answer is not a missing slave
        const addr = a.kind === "frame" ? answerAddress(a.bytes) : undefined;
        if (addr && /^[0-9]{8}$/.test(addr.id)) {
          if (!out.found.some((f) => secondaryText(f) === secondaryText(addr))) out.found.push(addr);
          // One clean answer to a wildcard mask does not prove one slave: another may have lost its answer.
          // A second, single read with the FCB toggled gives it another chance to collide.
          if (pos < 7) several = (await this.exchange(shortFrame(C_REQ_UD2, ADDRESS_SELECTED))).kind === "garbage";
        } else if (a.kind === "garbage") several = true;
      }
      if (several) {
        if (pos < 7) await this.#scan(mask, pos + 1, out);
        else out.unresolved.push(id);
      }
    }
  }
}

/** "more": keep reading; an Answer: complete; a string: garbage (why). */
function classify(buf: number[]): Answer | "more" | string {
  const first = buf[0];
  if (first === 0xe5) return buf.length === 1 ? { kind: "ack" } : "bytes after E5 (several slaves?)";
  if (first === 0x10) {
    if (buf.length < 5) return "more";
    return checked(buf.slice(0, 5), buf.length);
  }
  if (first === 0x68) {
    if (buf.length < 4) return "more";
    if (buf[1] !== buf[2] || buf[3] !== 0x68) return "long frame start 68 L L 68 malformed";
    const total = buf[1] + 6;
    if (buf.length < total) return "more";
    return checked(buf.slice(0, total), buf.length);
  }
  return `no frame starts with ${first.toString(16).padStart(2, "0")}`;
}

function checked(frame: number[], received: number): Answer | string {
  if (received > frame.length) return "bytes after the frame (several slaves?)";
  const bytes = Uint8Array.from(frame);
  try {
    parseWired(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  return { kind: "frame", bytes };
}
