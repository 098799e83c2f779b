/**
 * Replay protection per meter (EN 13757-7:2018 AFL message counter, EN 13757-4 ELL session
 * number, TPL access number). Remembers the last accepted value of each counter and rejects values
 * at or behind it.
 *
 * - "mcr": AFL message counter, 32 bits, strictly increasing.
 * - "sn":  ELL session number, 32 bits as read (LE); the ENC bits 31..29 are masked off, so the
 *          compared value is minute counter ‖ session counter (29 bits).
 * - "acc": TPL (or ELL) access number, 8 bits, wraps 255 → 0. A value up to `accWindow − 1` steps
 *          behind the last one (modulo 256, including the same value) is a replay; anything else
 *          counts as a forward step, because the meter may have sent many frames we did not hear.
 *
 * For the 32-bit counters the window defaults to Infinity: every value ≤ the last accepted one is
 * a replay. A finite window W makes a value more than W − 1 below the last one count as a counter
 * reset (e.g. battery change) and be accepted, which weakens protection.
 *
 * Call check() before the expensive work and accept() only after the frame authenticated (MAC,
 * ELL CRC or 2F 2F check), so a forged counter cannot lock a meter out.
 */
import { fail } from "../errors.js";
import { manufacturerCode, manufacturerValue } from "../link/manufacturer.js";
import { hex16 } from "../util/hex.js";
import { deepFreeze } from "../util/freeze.js";

export type CounterKind = "mcr" | "sn" | "acc";
export type ReplayVerdict = "ok" | "replayed";

export interface ReplayGuardOptions {
  /** ACC values within this many steps behind the last one are replays (1..255, default 16). */
  accWindow?: number;
  /** See the module comment; default Infinity. */
  mcrWindow?: number;
  /** See the module comment; default Infinity. */
  snWindow?: number;
  /** Meters remembered; the least recently accepted is dropped beyond this (default 1000). */
  maxMeters?: number;
}

/** One meter's counters in the persisted state. */
export interface ReplayMeterState {
  meter: string;
  mcr?: number;
  sn?: number;
  acc?: number;
}

/** Plain-JSON persisted state; meters are listed least recently accepted first. */
export interface ReplayState {
  version: 1;
  meters: ReplayMeterState[];
}

interface Counters {
  mcr?: number;
  sn?: number;
  acc?: number;
}

const KINDS: readonly CounterKind[] = deepFreeze(["mcr", "sn", "acc"]);

/**
 * Packed state, for gateways with hundreds of meters (docs/performance.md, ≤ 256 B per registered
 * meter). A meter almost always uses one counter kind (the one its frames carry): that state is one
 * number, kind index + 4 × value (values < 2^32, exact). A meter using more kinds gets a Counters
 * object. The map key is a number, M-field × 2^32 + id, when the meter string reads back from it
 * exactly ("KAM" + 8 id digits as decoded), else the string itself.
 */
type Packed = number | Counters;

function pack(kind: CounterKind, value: number): number {
  return KINDS.indexOf(kind) + 4 * value;
}

function unpack(p: Packed): Counters {
  if (typeof p !== "number") return p;
  const c: Counters = {};
  c[KINDS[p % 4]] = Math.floor(p / 4);
  return c;
}

function lastOf(p: Packed | undefined, kind: CounterKind): number | undefined {
  if (p === undefined) return undefined;
  if (typeof p !== "number") return p[kind];
  return KINDS[p % 4] === kind ? Math.floor(p / 4) : undefined;
}

const ID_SPAN = 0x100000000;
const LOWER_HEX = "0123456789abcdef";

/** The number key of "MMM" + 8 lower-case hex digits, or the string when it does not read back exactly. */
function meterSlot(meter: string): number | string {
  if (meter.length !== 11) return meter;
  let id = 0;
  for (let i = 3; i < 11; i++) {
    const d = LOWER_HEX.indexOf(meter[i]);
    if (d < 0) return meter;
    id = id * 16 + d;
  }
  const code = meter.slice(0, 3);
  const m = manufacturerValue(code);
  return manufacturerCode(m) === code ? m * ID_SPAN + id : meter;
}

function meterText(slot: number | string): string {
  if (typeof slot === "string") return slot;
  const id = slot % ID_SPAN;
  return manufacturerCode(Math.floor(slot / ID_SPAN)) + (hex16(id >>> 16) + hex16(id)).toLowerCase();
}

function checkWindow(w: number, max: number, what: string): number {
  if (!(w === Infinity || (Number.isInteger(w) && w >= 1 && w <= max))) fail("bad_argument", `${what} must be an integer 1..${max}${max === 255 ? "" : " or Infinity"}`);
  return w;
}

function normalise(kind: CounterKind, value: number): number {
  if (kind === "acc") {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) fail("bad_argument", `ACC must be 0..255, got ${value}`);
    return value;
  }
  if (kind !== "mcr" && kind !== "sn") fail("bad_argument", `unknown counter kind ${String(kind)}`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) fail("bad_argument", `${kind} must be a 32-bit unsigned integer, got ${value}`);
  return kind === "sn" ? value % 0x20000000 : value;
}

export class ReplayGuard {
  readonly #meters = new Map<number | string, Packed>();
  readonly #accWindow: number;
  readonly #mcrWindow: number;
  readonly #snWindow: number;
  readonly #maxMeters: number;

  constructor(options: ReplayGuardOptions = {}) {
    this.#accWindow = checkWindow(options.accWindow ?? 16, 255, "accWindow");
    this.#mcrWindow = checkWindow(options.mcrWindow ?? Infinity, 0xffffffff, "mcrWindow");
    this.#snWindow = checkWindow(options.snWindow ?? Infinity, 0xffffffff, "snWindow");
    const max = options.maxMeters ?? 1000;
    if (!Number.isInteger(max) || max < 1) fail("bad_argument", "maxMeters must be a positive integer");
    this.#maxMeters = max;
  }

  /** "replayed" when `value` is not newer than the last accepted `kind` counter of `meter`. No state change. */
  check(meter: string, kind: CounterKind, value: number): ReplayVerdict {
    const v = normalise(kind, value);
    const last = lastOf(this.#meters.get(meterSlot(meter)), kind);
    if (last === undefined) return "ok";
    if (kind === "acc") return ((last - v) & 0xff) < this.#accWindow ? "replayed" : "ok";
    if (v > last) return "ok";
    return last - v < (kind === "mcr" ? this.#mcrWindow : this.#snWindow) ? "replayed" : "ok";
  }

  /** check(), and on "ok" remember `value` as the last accepted counter. Returns the verdict. */
  accept(meter: string, kind: CounterKind, value: number): ReplayVerdict {
    if (typeof meter !== "string") fail("bad_argument", "meter key must be a string");
    const verdict = this.check(meter, kind, value);
    if (verdict === "ok") {
      const slot = meterSlot(meter);
      const p = this.#meters.get(slot);
      const v = normalise(kind, value);
      if (p === undefined || (typeof p === "number" && KINDS[p % 4] === kind)) this.#touch(slot, pack(kind, v));
      else {
        const c = unpack(p);
        c[kind] = v;
        this.#touch(slot, c);
      }
    }
    return verdict;
  }

  #touch(meter: number | string, c: Packed): void {
    this.#meters.delete(meter);
    this.#meters.set(meter, c);
    while (this.#meters.size > this.#maxMeters) {
      const oldest = this.#meters.keys().next().value as number | string;
      this.#meters.delete(oldest);
    }
  }

  /** The last accepted counter (after SN masking), or undefined. */
  last(meter: string, kind: CounterKind): number | undefined {
    return lastOf(this.#meters.get(meterSlot(meter)), kind);
  }

  /** Forgets a meter (operator reset after a meter was replaced or its counters were reset). */
  forget(meter: string): boolean {
    return this.#meters.delete(meterSlot(meter));
  }

  get size(): number {
    return this.#meters.size;
  }

  /** The state as plain JSON for persistence. */
  exportState(): ReplayState {
    const meters: ReplayMeterState[] = [];
    for (const [slot, p] of this.#meters) {
      const c = unpack(p);
      const m: ReplayMeterState = { meter: meterText(slot) };
      for (const k of KINDS) if (c[k] !== undefined) m[k] = c[k];
      meters.push(m);
    }
    return { version: 1, meters };
  }

  /**
   * Replaces the state with one from exportState() (possibly after a JSON round trip). Validates
   * everything first; on a bad state throws WmbusError "bad_argument" and keeps the old state.
   */
  importState(state: unknown): void {
    if (typeof state !== "object" || state === null || (state as { version?: unknown }).version !== 1) {
      fail("bad_argument", "replay state: expected an object with version 1");
    }
    const list = (state as { meters?: unknown }).meters;
    if (!Array.isArray(list)) fail("bad_argument", "replay state: meters must be an array");
    const next = new Map<number | string, Packed>();
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as Record<string, unknown> | null;
      if (typeof e !== "object" || e === null || typeof e.meter !== "string") fail("bad_argument", `replay state: meters[${i}] needs a string "meter"`);
      const c: Counters = {};
      for (const k of KINDS) {
        const v = e[k];
        if (v === undefined) continue;
        if (typeof v !== "number") fail("bad_argument", `replay state: meters[${i}].${k} must be a number`);
        c[k] = normalise(k, v);
      }
      const slot = meterSlot(e.meter);
      const kinds = KINDS.filter((k) => c[k] !== undefined);
      next.delete(slot);
      next.set(slot, kinds.length === 1 ? pack(kinds[0], c[kinds[0]]!) : c);
    }
    this.#meters.clear();
    for (const [m, c] of next) this.#touch(m, c);
  }

  toJSON(): ReplayState {
    return this.exportState();
  }
}
