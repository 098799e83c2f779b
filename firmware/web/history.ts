/**
 * A small history per meter for the web page's chart: the last `points` values of one field per meter, in one
 * packed ring (8 bytes per point: u32 seconds + f32 value), for at most `meters` meters (the meter heard longest
 * ago makes room). RAM: meters × points × 8 bytes (32 × 48 × 8 = 12 KB by default). Pure.
 *
 * The charted field is the first numeric field whose name says it is a total (`total_`, `_total`,
 * `consumption`), else the first numeric field; it is fixed per meter at its first reading.
 */
import type { OutgoingReading } from "../uplink/uplink.js";

/** Identity and bookkeeping fields, never charted (frozen list: safe in a preloaded module). */
const SKIP: readonly string[] = Object.freeze(["_", "media", "meter", "name", "id", "timestamp", "rssi_dbm", "device"]);

/** The field a reading's chart shows, or undefined when it has no numeric field. */
function chartField(reading: Record<string, unknown>): string | undefined {
  let first: string | undefined;
  for (const k in reading) {
    if (SKIP.includes(k) || typeof reading[k] !== "number" || !isFinite(reading[k] as number)) continue;
    if (/total|consumption/.test(k)) return k;
    first ??= k;
  }
  return first;
}

interface Track {
  field: string;
  next: number;
  count: number;
  slot: number;
  touched: number;
}

export interface HistorySeries {
  field: string;
  /** [seconds since 1970, value], oldest first. */
  points: [number, number][];
}

export class ReadingHistory {
  readonly #times: Uint32Array;
  readonly #values: Float32Array;
  readonly #tracks = new Map<string, Track>();
  readonly #free: number[] = [];
  #nextSlot = 0;
  #touch = 0;

  constructor(readonly meters = 32, readonly points = 48) {
    this.#times = new Uint32Array(meters * points);
    this.#values = new Float32Array(meters * points);
  }

  get bytes(): number {
    return this.#times.byteLength + this.#values.byteLength;
  }

  remember(r: OutgoingReading): void {
    let t = this.#tracks.get(r.meterId);
    if (!t) {
      const field = chartField(r.reading);
      if (!field) return;
      let slot = this.#free.length > 0 ? this.#free.pop()! : this.#nextSlot < this.meters ? this.#nextSlot++ : -1;
      if (slot < 0) {
        let oldest: [string, Track] | undefined;
        for (const e of this.#tracks) if (!oldest || e[1].touched < oldest[1].touched) oldest = e;
        this.#tracks.delete(oldest![0]);
        slot = oldest![1].slot;
      }
      t = { field, next: 0, count: 0, slot, touched: 0 };
      this.#tracks.set(r.meterId, t);
    }
    const v = r.reading[t.field];
    if (typeof v !== "number") return;
    const at = t.slot * this.points + t.next;
    this.#times[at] = Math.floor(r.receivedAt / 1000) >>> 0;
    this.#values[at] = v;
    t.next = (t.next + 1) % this.points;
    if (t.count < this.points) t.count++;
    t.touched = ++this.#touch;
  }

  series(meterId: string): HistorySeries | undefined {
    const t = this.#tracks.get(meterId);
    if (!t) return undefined;
    const out: [number, number][] = [];
    for (let i = 0; i < t.count; i++) {
      const at = t.slot * this.points + ((t.next - t.count + i + this.points) % this.points);
      out.push([this.#times[at], Math.round(this.#values[at] * 1e4) / 1e4]);
    }
    return { field: t.field, points: out };
  }

  meterIds(): string[] {
    return [...this.#tracks.keys()];
  }

  forget(meterId: string): void {
    const t = this.#tracks.get(meterId);
    if (!t) return;
    this.#tracks.delete(meterId);
    this.#free.push(t.slot);
  }
}
