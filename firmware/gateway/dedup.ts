/**
 * Time-window duplicate filter on telegram ids (see telegram-id.ts). A telegram heard again within
 * `windowMs` of its first sighting (via a repeater, or a second antenna path) is a duplicate. The window runs
 * from the first sighting and is not extended by duplicates, so a meter that repeats identical content for
 * hours still yields one reading per window. Bounded: beyond `capacity` ids the oldest is forgotten.
 */
export interface DedupOptions {
  /** Milliseconds a telegram id is remembered (default 30 s; repeaters forward within a few seconds). */
  windowMs?: number;
  /** Ids remembered at most (default 256: 40 meters × a few telegrams per window). */
  capacity?: number;
}

export class DedupWindow {
  readonly windowMs: number;
  readonly capacity: number;
  /** id → time of first sighting; insertion order = age order. */
  readonly #seen = new Map<string, number>();

  constructor(opts: DedupOptions = {}) {
    this.windowMs = opts.windowMs ?? 30_000;
    this.capacity = opts.capacity ?? 256;
  }

  /** True when `id` was first seen less than `windowMs` before `now`; otherwise remembers it and returns false. */
  isDuplicate(id: string, now: number): boolean {
    this.#expire(now);
    const first = this.#seen.get(id);
    if (first !== undefined && now - first < this.windowMs) return true;
    this.#seen.delete(id);
    this.#seen.set(id, now);
    while (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.keys().next().value as string);
    return false;
  }

  /** Drops ids older than the window (oldest first, stops at the first young one). */
  #expire(now: number): void {
    for (const [id, first] of this.#seen) {
      if (now - first < this.windowMs) break;
      this.#seen.delete(id);
    }
  }

  get size(): number {
    return this.#seen.size;
  }
}
