/**
 * Bounded ring of complete radio frames between the FIFO service (interrupt path) and the decoder (a separate
 * job). TypeScript twin of firmware/native/wmbus_radio_queue.c: the same operations give the same results,
 * checked by host-tests/test/radio-load-queue.test.ts on random operation sequences.
 *
 * Why: decoding a telegram under XS takes milliseconds and blocks the JavaScript thread, while a CC1101 FIFO
 * fills in 5 ms. The interrupt path therefore only services the FIFO and `push`es the intact frame here; the
 * decoder drains the queue one frame per turn, so interrupts get the thread between frames.
 *
 * No allocation after construction: `capacity` slots of `maxFrame` bytes plus metadata in typed arrays. A
 * push into a full queue drops the new frame and counts it (`overflows`); a frame longer than `maxFrame` is
 * dropped and counted (`tooLong`). Nothing is lost silently. Times are the caller's unsigned 32-bit ticks
 * (the simulator uses µs, the device task ms); RSSI is kept in 0.5 dB steps, as the chips report it.
 */

/** Longest wM-Bus frame with DLL CRCs: frame A with L = 255 (EN 13757-4 §5.2.2). */
export const QUEUE_MAX_FRAME = 290;

export interface FrameQueueStats {
  pushed: number;
  popped: number;
  /** Frames dropped because every slot was taken. */
  overflows: number;
  /** Frames dropped because they exceed `maxFrame`. */
  tooLong: number;
  /** Most slots ever in use at once. */
  highWater: number;
}

/** Mode/format letters as character codes, as in the C twin (0 = unknown). */
export type ModeCode = number;

export class FrameQueue {
  readonly capacity: number;
  readonly maxFrame: number;
  readonly stats: FrameQueueStats = { pushed: 0, popped: 0, overflows: 0, tooLong: 0, highWater: 0 };
  private readonly data: Uint8Array;
  private readonly lengths: Uint16Array;
  private readonly modes: Uint8Array;
  private readonly formats: Uint8Array;
  private readonly rssi: Int16Array;
  private readonly times: Uint32Array;
  private head = 0;
  private count = 0;

  constructor(capacity = 8, maxFrame = QUEUE_MAX_FRAME) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 255) throw new RangeError(`FrameQueue: capacity ${String(capacity)} must be an integer 1..255`);
    if (!Number.isInteger(maxFrame) || maxFrame < 1 || maxFrame > 65535) throw new RangeError(`FrameQueue: maxFrame ${String(maxFrame)} must be an integer 1..65535`);
    this.capacity = capacity;
    this.maxFrame = maxFrame;
    this.data = new Uint8Array(capacity * maxFrame);
    this.lengths = new Uint16Array(capacity);
    this.modes = new Uint8Array(capacity);
    this.formats = new Uint8Array(capacity);
    this.rssi = new Int16Array(capacity);
    this.times = new Uint32Array(capacity);
  }

  /** Frames waiting. */
  get length(): number {
    return this.count;
  }

  /**
   * Copies `bytes[0..length)` into a free slot. `mode`/`format` are character codes ('T', 'C', 'S', 'A', 'B');
   * `rssiHalfDb` is RSSI × 2 (clamped to int16), `time` is taken modulo 2^32. False when dropped (counted).
   */
  push(bytes: Uint8Array, length: number, mode: ModeCode, format: ModeCode, rssiHalfDb: number, time: number): boolean {
    if (length > this.maxFrame || length > bytes.length) {
      this.stats.tooLong++;
      return false;
    }
    if (this.count === this.capacity) {
      this.stats.overflows++;
      return false;
    }
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    this.data.set(length === bytes.length ? bytes : bytes.subarray(0, length), slot * this.maxFrame);
    this.lengths[slot] = length;
    this.modes[slot] = mode;
    this.formats[slot] = format;
    this.rssi[slot] = Math.max(-32768, Math.min(32767, Math.round(rssiHalfDb)));
    this.times[slot] = time >>> 0;
    this.count++;
    this.stats.pushed++;
    if (this.count > this.stats.highWater) this.stats.highWater = this.count;
    return true;
  }

  /** Length of the oldest frame, -1 when empty. */
  get headLength(): number {
    return this.count === 0 ? -1 : this.lengths[this.head];
  }
  get headMode(): ModeCode {
    return this.count === 0 ? 0 : this.modes[this.head];
  }
  get headFormat(): ModeCode {
    return this.count === 0 ? 0 : this.formats[this.head];
  }
  get headRssiHalfDb(): number {
    return this.count === 0 ? 0 : this.rssi[this.head];
  }
  get headTime(): number {
    return this.count === 0 ? 0 : this.times[this.head];
  }

  /** A view of the oldest frame's bytes (valid until the next `pop`); empty when the queue is empty. */
  headBytes(): Uint8Array {
    const start = this.head * this.maxFrame;
    return this.data.subarray(start, start + (this.count === 0 ? 0 : this.lengths[this.head]));
  }

  /** Drops the oldest frame; false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    this.stats.popped++;
    return true;
  }
}
