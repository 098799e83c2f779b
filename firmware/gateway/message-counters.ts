/**
 * The gateway's mode 7 message counters towards each meter (AFL MCR, EN 13757-7 §6; docs/bidirectional.md), kept
 * across restarts.
 *
 * A meter that checks its message counter takes a command only when its MCR is higher than the last one it
 * accepted from us. A counter kept in RAM starts again from 1 after every restart, and such a meter would
 * refuse every command until the counter had climbed past the old one. Writing the counter to flash after every
 * command would wear the flash out, so the counters are reserved in blocks, written ahead:
 *
 * - The store holds one value (key `COUNTERS_KEY`): per meter, a ceiling that no counter handed out has passed.
 * - The next counter is the last one handed out plus one. When it would pass the ceiling, the ceiling moves up by
 *   `reserve` counters and is stored first; only then is the counter handed out. When the store cannot be
 *   written, `next` throws and no counter is handed out.
 * - After a restart, counting resumes above the stored ceiling. Up to `reserve` counters are skipped, and none
 *   is used twice. A power cut between the store write and the command loses nothing either.
 *
 * So there is one flash write per `reserve` commands to a meter. The MCR is 32 bits; when a meter's counter
 * would pass 0xFFFFFFFF, `next` throws.
 *
 * The stored value is JSON: `{"<meter id>": ceiling, …}`, one key for all meters (the device store prefers few
 * keys: firmware/device/storage-preference.ts). A value that cannot be read is treated as empty, and reported
 * by `problem`. The table holds at most `maxMeters` meters; when a new meter would pass that, the meters that
 * `isKept` no longer names (removed from the settings) are dropped first; if every meter is still kept, `next`
 * throws.
 */
import { WmbusError } from "../errors.js";
import type { KeyValueStore } from "../platform/services.js";

/** The store key of the counters' ceilings. */
export const COUNTERS_KEY = "mcr";
/** Counters reserved per store write. */
export const COUNTER_RESERVE = 64;
/** Largest MCR (4 bytes). */
export const MAX_MCR = 0xffffffff;

export interface MessageCounterOptions {
  store: KeyValueStore;
  /** Counters reserved per store write (default COUNTER_RESERVE). */
  reserve?: number;
  /** Most meters in the table (default 256). */
  maxMeters?: number;
  /** Whether a meter's counter must be kept when the table is full (default: every meter is kept). */
  isKept?(meterId: string): boolean;
}

export class MessageCounters {
  readonly #o: MessageCounterOptions;
  /** Stored ceilings by meter; read from the store at the first use. */
  #ceilings?: Map<string, number>;
  /** The last counter handed out per meter since the start. */
  readonly #last = new Map<string, number>();
  #problem?: string;

  constructor(o: MessageCounterOptions) {
    this.#o = o;
  }

  /** Why the stored counters could not be read (they were taken as empty); undefined when they could. */
  get problem(): string | undefined {
    this.#load();
    return this.#problem;
  }

  /** The next message counter towards `meterId`: higher than every one handed out before, restarts included. */
  next(meterId: string): number {
    const ceilings = this.#load();
    const ceiling = ceilings.get(meterId) ?? 0;
    const n = (this.#last.get(meterId) ?? ceiling) + 1;
    if (n > MAX_MCR) throw new WmbusError("bad_argument", `meter ${meterId}: the message counter has reached its largest value`);
    if (n > ceiling) {
      const next = new Map(ceilings);
      const dropped = ceilings.has(meterId) ? undefined : this.#makeRoom(next, meterId);
      next.set(meterId, Math.min(MAX_MCR, n - 1 + (this.#o.reserve ?? COUNTER_RESERVE)));
      this.#o.store.set(COUNTERS_KEY, JSON.stringify(Object.fromEntries(next))); // throws before the counter is used
      this.#ceilings = next;
      if (dropped) for (const id of dropped) this.#last.delete(id);
    }
    this.#last.set(meterId, n);
    return n;
  }

  /** Drops from `ceilings` the meters no longer kept when it is full; returns their ids. */
  #makeRoom(ceilings: Map<string, number>, meterId: string): string[] {
    const most = this.#o.maxMeters ?? 256;
    const dropped: string[] = [];
    if (ceilings.size < most) return dropped;
    const kept = this.#o.isKept;
    if (kept) for (const id of ceilings.keys()) if (!kept(id)) dropped.push(id);
    for (const id of dropped) ceilings.delete(id);
    if (ceilings.size >= most) throw new WmbusError("bad_argument", `meter ${meterId}: no room for another message counter (${most} meters)`);
    return dropped;
  }

  #load(): Map<string, number> {
    if (this.#ceilings) return this.#ceilings;
    const ceilings = new Map<string, number>();
    const text = this.#o.store.get(COUNTERS_KEY);
    if (text !== undefined) {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        v = undefined;
      }
      if (typeof v === "object" && v !== null && !Array.isArray(v)) {
        for (const [id, c] of Object.entries(v)) {
          if (typeof c === "number" && Number.isInteger(c) && c >= 0 && c <= MAX_MCR) ceilings.set(id, c);
          else this.#problem = `stored message counter of meter ${id} is not a counter; it starts again from 1`;
        }
      } else this.#problem = "stored message counters are not readable; they start again from 1";
    }
    this.#ceilings = ceilings;
    return ceilings;
  }
}
