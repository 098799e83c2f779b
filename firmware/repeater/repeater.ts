/**
 * Store-and-forward repeater (docs/repeater.md): frames heard from meters are sent again, unchanged except
 * for the hop bit, after a delay plus random jitter, so a main receiver that cannot hear a meter in a pit or
 * basement hears its telegrams through this device.
 *
 * Rules:
 *   - only intact frames (DLL CRCs verified) and only meter frames not yet repeated: a frame whose H (hop)
 *     or R (repeated access) bit is set — ELL CC, else the mode 0/5 TPL CFG — is never repeated (one hop only,
 *     as OMS Vol.1 §3.2.2 describes the unidirectional repeater; docs/protocol.md §3.2 and §5.4: a meter sends
 *     H = R = 0, repeaters set them);
 *   - the repeated copy sets H (ELL CC bit 4, 0x10; without an ELL, TPL CFG bit 0), recomputes the DLL CRCs
 *     in the received frame format and keeps mode and format; a frame with neither field cannot be marked and
 *     is not repeated (it would loop between repeaters);
 *   - a telegram is repeated once: ids (gateway/telegram-id.ts, which ignores H and R) are remembered for
 *     `dedupMs`;
 *   - a bounded queue (`capacity`); a full queue drops the new frame;
 *   - the duty cycle of the sub-band (./duty-cycle.ts) is checked when a frame is due: over budget, it is dropped.
 * Pure: transmitter, timers, clock and random source are injected. Counters for the status page: `stats()`.
 */
import { addFrameACrc, addFrameBCrc } from "../link/frame-format.js";
import type { RadioFrame } from "../radio/radio.js";
import { uplinkMode, type Transmitter } from "../radio/transmit.js";
import { repeaterFields, telegramIdentity } from "../gateway/telegram-id.js";
import { airtimeMs, DutyCycleBudget, subBandOf } from "./duty-cycle.js";

export interface RepeaterTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface RepeaterOptions {
  transmitter: Transmitter;
  timers: RepeaterTimers;
  /** Milliseconds (wall clock or monotonic; only differences are used). */
  now: () => number;
  /** Uniform in [0, 1) (injected so tests are reproducible). */
  random: () => number;
  /** Fixed delay before re-sending (default 2000 ms). */
  delayMs?: number;
  /** Random extra delay, uniform in [0, jitterMs) (default 1000 ms). */
  jitterMs?: number;
  /** Frames waiting at most (default 16). */
  capacity?: number;
  /** How long a repeated telegram is remembered (default 10 min). */
  dedupMs?: number;
  /** Duty-cycle budget (default: the ETSI limits over one hour). */
  budget?: DutyCycleBudget;
}

/** A type literal, not an interface: it is a counter section of the status document (uplink/status.ts). */
export type RepeaterStats = {
  /** Frames offered. */
  heard: number;
  /** Frames queued for repeating. */
  queued: number;
  /** Frames sent again. */
  repeated: number;
  /** Frames the transmitter refused. */
  sendFailures: number;
  /** Frames not repeated because … */
  alreadyRepeated: number;
  duplicates: number;
  unmarkable: number;
  badFrames: number;
  queueFull: number;
  dutyCycleDropped: number;
  /** Frames waiting now. */
  waiting: number;
  /** Airtime used in the last hour per sub-band (ms) and the budget. */
  airtimeMs: { [band: string]: number };
  budgetMs: { [band: string]: number };
};

interface Pending {
  frame: Uint8Array;
  mode: RadioFrame["mode"];
  format: RadioFrame["format"];
  due: number;
}

/** TPL CFG bit 0 = H (hop counter), bit 1 = R (modes 0/5; docs/protocol.md §5.4). */
const TPL_CFG_HOP = 0x01;
/** ELL CC bit 4 = H (hop count; docs/protocol.md §3.2). */
const ELL_CC_HOP = 0x10;

/**
 * The frame to re-send: `stripped` (DLL CRCs removed, format A view) with the hop bit set, framed again in
 * `format` with fresh CRCs; undefined when the frame has no field to mark.
 */
export function markRepeated(stripped: Uint8Array, format: RadioFrame["format"]): Uint8Array | undefined {
  const f = repeaterFields(stripped);
  const copy = stripped.slice();
  if (f.ellCc >= 0) copy[f.ellCc] |= ELL_CC_HOP;
  else if (f.tplCfg >= 0) copy[f.tplCfg] |= TPL_CFG_HOP;
  else return undefined;
  return format === "B" ? addFrameBCrc(copy) : addFrameACrc(copy);
}

export class Repeater {
  readonly #o: Required<Omit<RepeaterOptions, "budget">> & { budget: DutyCycleBudget };
  readonly #queue: Pending[] = [];
  readonly #seen = new Map<string, number>();
  #timer: unknown = undefined;
  #sending = false;
  #closed = false;
  readonly #s = { heard: 0, queued: 0, repeated: 0, sendFailures: 0, alreadyRepeated: 0, duplicates: 0, unmarkable: 0, badFrames: 0, queueFull: 0, dutyCycleDropped: 0 };

  constructor(o: RepeaterOptions) {
    this.#o = { delayMs: 2000, jitterMs: 1000, capacity: 16, dedupMs: 600_000, ...o, budget: o.budget ?? new DutyCycleBudget() };
  }

  /** Offers one received frame. Never throws. Returns true when it was queued for repeating. */
  offer(frame: RadioFrame): boolean {
    const s = this.#s;
    s.heard++;
    if (this.#closed) return false;
    const ident = telegramIdentity(frame.bytes, frame.format);
    if (!ident) {
      s.badFrames++;
      return false;
    }
    if (ident.repeated) {
      s.alreadyRepeated++;
      return false;
    }
    const now = this.#o.now();
    this.#forget(now);
    if (this.#seen.has(ident.id)) {
      s.duplicates++;
      return false;
    }
    const out = markRepeated(ident.stripped, frame.format);
    if (!out) {
      s.unmarkable++;
      return false;
    }
    if (this.#queue.length >= this.#o.capacity) {
      s.queueFull++;
      return false;
    }
    this.#seen.set(ident.id, now);
    const due = now + this.#o.delayMs + Math.floor(this.#o.random() * this.#o.jitterMs);
    let i = this.#queue.length;
    while (i > 0 && this.#queue[i - 1].due > due) i--;
    this.#queue.splice(i, 0, { frame: out, mode: frame.mode, format: frame.format, due });
    s.queued++;
    this.#arm();
    return true;
  }

  stats(): RepeaterStats {
    const now = this.#o.now();
    const b = this.#o.budget;
    return {
      ...this.#s,
      waiting: this.#queue.length,
      airtimeMs: { "868.0-868.6": round(b.used("868.0-868.6", now)), "868.7-869.2": round(b.used("868.7-869.2", now)) },
      budgetMs: { "868.0-868.6": b.budget("868.0-868.6"), "868.7-869.2": b.budget("868.7-869.2") },
    };
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
  }

  /** Drops remembered ids older than dedupMs (Map keeps insertion order = time order). */
  #forget(now: number): void {
    for (const [id, at] of this.#seen) {
      if (at > now - this.#o.dedupMs) break;
      this.#seen.delete(id);
    }
  }

  #arm(): void {
    if (this.#sending || this.#closed || this.#queue.length === 0) return;
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    const wait = Math.max(0, this.#queue[0].due - this.#o.now());
    this.#timer = this.#o.timers.set(() => {
      this.#timer = undefined;
      void this.#sendDue();
    }, wait);
  }

  async #sendDue(): Promise<void> {
    const next = this.#queue[0];
    if (!next || this.#closed) return;
    const now = this.#o.now();
    if (next.due > now) return this.#arm();
    this.#queue.shift();
    const band = subBandOf(next.mode);
    const air = airtimeMs(next.mode, next.format, next.frame.length);
    if (!this.#o.budget.allows(band, now, air)) {
      this.#s.dutyCycleDropped++;
      return this.#arm();
    }
    this.#o.budget.record(band, now, air);
    this.#sending = true;
    try {
      const outcome = await this.#o.transmitter.transmit({ bytes: next.frame, mode: uplinkMode(next.mode), format: next.format });
      if (outcome.ok) {
        this.#s.repeated++;
        // the radio's own airtime (its programmed chip rate may be a little slower than the standard's)
        const extra = outcome.endedAt - outcome.startedAt - air;
        if (extra > 0) this.#o.budget.record(band, now, extra);
      } else this.#s.sendFailures++;
    } catch {
      this.#s.sendFailures++;
    } finally {
      this.#sending = false;
    }
    this.#arm();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
