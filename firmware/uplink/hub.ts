/**
 * The delivery hub: one transport (sink) plus its offline buffer (ring).
 *
 * While the sink is up and nothing is buffered, readings go straight out (kept in RAM until
 * acknowledged). Otherwise they are appended to the ring. Whatever is in RAM when the sink fails is
 * written to the ring first, so the ring always holds the oldest readings and its order is the
 * submit order. On reconnect the ring is drained in order before new readings go out; a ring
 * record is acknowledged (persistently) only after the sink acknowledged it (PUBACK / HTTP 2xx).
 * A failed delivery is retried after an exponential backoff (injected timers) or as soon as the
 * sink reports it is ready again.
 */
import { decodeReading, encodeReading } from "./codec.js";
import type { RecordRing } from "./ring-buffer.js";
import type { UplinkSink } from "./sink.js";
import type { OutgoingReading, UplinkHub, UplinkStats, UplinkTimers } from "./uplink.js";
import type { StatusDocument } from "./status.js";

export interface HubOptions {
  sink: UplinkSink;
  ring: RecordRing;
  timers: UplinkTimers;
  /** First retry delay after a failed delivery (default 1 s), doubled per failure up to retryMaxMs. */
  retryMinMs?: number;
  /** Default 5 min. */
  retryMaxMs?: number;
  /** Readings held in RAM while sending directly; beyond that they go to the ring (default 50). */
  maxInMemory?: number;
  /** Diagnostic texts (never contain secrets: readings and keys are not printed). */
  onDiagnostic?: (message: string) => void;
}

interface Batch {
  items: OutgoingReading[];
  /** Ring sequence numbers: the whole batch came from, or was moved to, the ring. */
  lastSeq?: number;
  /** Readings of the batch the ring could not take (counted lost unless the delivery succeeds). */
  unsaved?: number;
}

/** Readings of `b` held in RAM only (neither taken from nor moved to the ring). */
function ramOnly(b: Batch | undefined): number {
  return b && b.lastSeq === undefined && !b.unsaved ? b.items.length : 0;
}

export class DeliveryHub implements UplinkHub {
  readonly #o: Required<Omit<HubOptions, "onDiagnostic">> & Pick<HubOptions, "onDiagnostic">;
  /** Direct readings not yet handed to the sink. */
  #queue: OutgoingReading[] = [];
  #inflight: Batch | undefined;
  #pumping = false;
  #retryTimer: unknown = undefined;
  #failures = 0;
  #closed = false;
  #delivered = 0;
  #retries = 0;
  #errors = 0;
  /** Readings neither RAM nor the buffer could keep (buffer write failures); part of `dropped`. */
  #lost = 0;

  constructor(o: HubOptions) {
    this.#o = { retryMinMs: 1000, retryMaxMs: 300_000, maxInMemory: 50, ...o };
    o.sink.listener = {
      onReady: () => {
        this.#clearRetry();
        this.#kick();
      },
      onDown: () => {
        try {
          this.#spill();
        } catch (e) {
          this.#error("saving readings to the buffer", e);
        }
      },
    };
    this.#kick();
  }

  submit(r: OutgoingReading): void {
    let kept = false;
    try {
      if (this.#closed) throw new Error("uplink closed");
      const direct =
        this.#o.sink.ready() && this.#retryTimer === undefined && this.#o.ring.pending === 0 && this.#queue.length + (this.#inflight?.items.length ?? 0) < this.#o.maxInMemory;
      if (direct) this.#queue.push(r);
      else {
        this.#spill();
        this.#append(r);
      }
      kept = true;
      this.#kick();
    } catch (e) {
      if (!kept) this.#lost++;
      this.#error(`submit of reading ${r?.readingId}`, e);
    }
  }

  /** Passes the document on as it is; only a document without uplink counters gets this hub's. */
  gatewayStatus(s: StatusDocument): void {
    try {
      this.#o.sink.publishStatus(s.uplink ? s : { ...s, uplink: this.stats() });
    } catch (e) {
      this.#error("status", e);
    }
  }

  stats(): UplinkStats {
    const ring = this.#o.ring.stats();
    return {
      delivered: this.#delivered,
      buffered: ring.pending + this.#queue.length + ramOnly(this.#inflight),
      dropped: ring.dropped + this.#lost,
      retries: this.#retries,
      errors: this.#errors,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearRetry();
    // Keep what was not delivered for the next start.
    try {
      this.#spill();
    } catch (e) {
      this.#error("saving readings at close", e);
    }
    await this.#o.sink.close();
  }

  #append(r: OutgoingReading): void {
    this.#o.ring.append(encodeReading(r));
  }

  /**
   * Moves the RAM readings (in flight first, then queued) into the ring, in order. When the buffer
   * cannot be written, the readings not yet moved are counted as lost (`dropped`) and it throws.
   */
  #spill(): void {
    const b = this.#inflight;
    const moving = ramOnly(b);
    const q = this.#queue;
    this.#queue = [];
    let moved = 0;
    try {
      for (; moved < moving; moved++) b!.lastSeq = this.#o.ring.append(encodeReading(b!.items[moved]));
      for (; moved < moving + q.length; moved++) this.#append(q[moved - moving]);
    } catch (e) {
      if (moved < moving) b!.unsaved = moving - moved;
      this.#lost += moving + q.length - moved;
      throw e;
    }
  }

  #kick(): void {
    if (!this.#pumping && !this.#closed) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (!this.#closed && this.#retryTimer === undefined && this.#o.sink.ready()) {
        const batch = this.#next();
        if (!batch) break;
        this.#inflight = batch;
        if (this.#failures > 0) this.#retries++;
        try {
          await this.#o.sink.deliver(batch.items);
        } catch (e) {
          this.#inflight = undefined;
          if (ramOnly(batch) > 0) {
            // Not yet in the ring: it must go there ahead of everything else.
            this.#inflight = batch;
            try {
              this.#spill();
            } catch (spillError) {
              this.#error("saving readings to the buffer", spillError);
            }
            this.#inflight = undefined;
          }
          this.#failures++;
          this.#error(`${this.#o.sink.name} delivery of ${batch.items.length} reading(s)`, e);
          this.#scheduleRetry();
          break;
        }
        this.#inflight = undefined;
        this.#failures = 0;
        this.#delivered += batch.items.length;
        this.#lost -= batch.unsaved ?? 0; // delivered after all
        if (batch.lastSeq !== undefined) this.#o.ring.ack(batch.lastSeq);
      }
    } catch (e) {
      this.#error("delivery", e);
    } finally {
      this.#pumping = false;
    }
  }

  /** The next batch: the ring first (oldest), else the RAM queue. */
  #next(): Batch | undefined {
    const ring = this.#o.ring;
    while (ring.pending > 0) {
      const recs = ring.peek(this.#o.sink.maxBatch);
      const items: OutgoingReading[] = [];
      for (const rec of recs) {
        try {
          items.push(decodeReading(rec.payload));
        } catch (e) {
          // A record with a valid CRC but unreadable content: skip it, never block the queue on it.
          this.#error(`buffered record ${rec.seq}`, e);
        }
      }
      const lastSeq = recs[recs.length - 1].seq;
      if (items.length > 0) return { items, lastSeq };
      ring.ack(lastSeq);
    }
    if (this.#queue.length === 0) return undefined;
    return { items: this.#queue.splice(0, this.#o.sink.maxBatch) };
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    let delay = this.#o.retryMinMs;
    for (let i = 1; i < this.#failures && delay < this.#o.retryMaxMs; i++) delay *= 2;
    delay = Math.min(delay, this.#o.retryMaxMs);
    this.#retryTimer = this.#o.timers.set(() => {
      this.#retryTimer = undefined;
      this.#kick();
    }, delay);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) this.#o.timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #error(what: string, e: unknown): void {
    this.#errors++;
    this.#o.onDiagnostic?.(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
