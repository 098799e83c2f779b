/**
 * Time-window duplicate filter on telegram ids (see telegram-id.ts). A telegram heard again within
 * `windowMs` of its first sighting (via a repeater, or a second antenna path) is a duplicate. The window runs
 * from the first sighting and is not extended by duplicates, so a meter that repeats identical content for
 * hours still yields one reading per window.
 *
 * Sized for the worst channel (docs/reliability.md): T1/C1 at 100 kchip/s carries at most ~125 short telegrams
 * per second, so a 30 s window holds ≤ 3 750 distinct telegrams; copies (repeaters, other gateways) are
 * duplicates and take no room. The default capacity 4 096 keeps every telegram of a fully loaded channel for
 * the whole window. Memory is fixed at construction: a ring of entries in typed arrays (10 bytes each: hash,
 * time, chain link) with a chained hash index (2 bytes per bucket), 48 KB for 4 096 — no object or string
 * per entry. The bucket takes 12 bits of one 32-bit hash and the entry keeps the other 32-bit hash, so two
 * telegrams are confused only when 44 hash bits agree. Beyond the
 * capacity the oldest entry is overwritten; `evictedInWindow` counts those still inside the window (each one a
 * possible duplicate reading), so an undersized table shows in the status.
 */
export interface DedupOptions {
  /** Milliseconds a telegram id is remembered (default 30 s; repeaters forward within a few seconds). */
  windowMs?: number;
  /** Ids remembered at most (default 4 096, see the module comment; 2..32 768). */
  capacity?: number;
}

/** Two FNV-1a hashes of a string's UTF-16 code units. */
function hashes(id: string, out: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  out[0] = a;
  out[1] = b;
}

export class DedupWindow {
  readonly windowMs: number;
  readonly capacity: number;
  /** Entries still inside the window that were overwritten because the table was full. */
  evictedInWindow = 0;
  readonly #h1: Uint32Array;
  /** First sighting, milliseconds modulo 2^32 (ages are computed with wrap-around). */
  readonly #time: Uint32Array;
  /** Next (older) entry in the same bucket, or -1. */
  readonly #next: Int16Array;
  /** Newest entry of each bucket, or -1. */
  readonly #head: Int16Array;
  readonly #mask: number;
  readonly #h = new Uint32Array(2);
  /** Ring: entries [oldest, oldest + count) modulo capacity, oldest first. */
  #oldest = 0;
  #count = 0;

  constructor(opts: DedupOptions = {}) {
    this.windowMs = opts.windowMs ?? 30_000;
    const cap = opts.capacity ?? 4096;
    if (!Number.isInteger(cap) || cap < 2 || cap > 32768) throw new RangeError("dedup capacity must be an integer 2..32768");
    this.capacity = cap;
    let buckets = 1;
    while (buckets < cap) buckets *= 2;
    this.#mask = buckets - 1;
    this.#h1 = new Uint32Array(cap);
    this.#time = new Uint32Array(cap);
    this.#next = new Int16Array(cap);
    this.#head = new Int16Array(buckets).fill(-1);
  }

  /** True when `id` was first seen less than `windowMs` before `now`; otherwise remembers it and returns false. */
  isDuplicate(id: string, now: number): boolean {
    this.#expire(now);
    const h = this.#h;
    hashes(id, h);
    const bucket = h[1] & this.#mask;
    const t = now >>> 0;
    // Walk the chain newest → oldest; a link to an entry no longer live (overwritten or expired) ends it.
    let prevAge = -1;
    for (let e = this.#head[bucket]; e >= 0; e = this.#next[e]) {
      const age = this.#ringAge(e);
      if (age <= prevAge || age >= this.#count) break;
      prevAge = age;
      if (this.#h1[e] === h[0]) {
        if (((t - this.#time[e]) >>> 0) < this.windowMs) return true;
        break;
      }
    }
    this.#add(h[0], bucket, t);
    return false;
  }

  /** 0 for the newest entry, count − 1 for the oldest. */
  #ringAge(e: number): number {
    const newest = (this.#oldest + this.#count - 1) % this.capacity;
    return (newest - e + this.capacity) % this.capacity;
  }

  #add(h1: number, bucket: number, t: number): void {
    if (this.#count === this.capacity) {
      if (((t - this.#time[this.#oldest]) >>> 0) < this.windowMs) this.evictedInWindow++;
      this.#oldest = (this.#oldest + 1) % this.capacity;
      this.#count--;
    }
    const e = (this.#oldest + this.#count) % this.capacity;
    this.#count++;
    this.#h1[e] = h1;
    this.#time[e] = t;
    this.#next[e] = this.#head[bucket];
    this.#head[bucket] = e;
  }

  /** Drops entries older than the window (oldest first, stops at the first young one). */
  #expire(now: number): void {
    const t = now >>> 0;
    while (this.#count > 0 && ((t - this.#time[this.#oldest]) >>> 0) >= this.windowMs) {
      this.#oldest = (this.#oldest + 1) % this.capacity;
      this.#count--;
    }
  }

  get size(): number {
    return this.#count;
  }

  /** Bytes of the tables (fixed at construction). */
  get bytes(): number {
    return this.capacity * 10 + this.#head.length * 2;
  }
}
