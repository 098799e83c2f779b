/**
 * The radio service: what sits between a radio's FIFO servicing and the decoder. Pure: no Node, no Moddable.
 *
 * The interrupt path must only service the FIFO and enqueue, because decoding a telegram under XS takes
 * milliseconds and blocks the JavaScript thread, while a CC1101 FIFO fills in 5 ms (64 bytes × 80 µs). So:
 *   - `service: "js"`: the driver's interrupt handlers run on the JS thread; its `onFrame` is `frameSink`
 *     here, which copies the frame into a FrameQueue (firmware/radio/frame-queue.ts) and posts one decode turn;
 *   - `service: "native"` (device): the native radio task (firmware/native/wmbus_radio_task_esp32.c) services
 *     the FIFO in C and pushes into the C twin of the queue, then wakes XS with a message; the message handler
 *     calls `drain` with a source that pops the C queue (firmware/native/radio-task-native.ts). On the host the
 *     simulator models it by running the same driver outside the JS thread (host-tests/sim/load-thread.ts).
 * Each decode turn handles one frame and posts the next turn while frames wait, so interrupt messages queued
 * meanwhile run between frames (Moddable runs messages in arrival order).
 */
import type { FrameFormat, PhyMode } from "../vocabulary.js";
import { FrameQueue } from "./frame-queue.js";
import type { RadioFrame } from "./radio.js";

export type RadioServiceKind = "js" | "native";

/** A frame as the decoder gets it from the queue: the bytes are a copy it may keep. */
export interface QueuedFrame {
  readonly bytes: Uint8Array;
  /** True when `bytes` is the frame without DLL CRCs, which the radio checked (RadioFrame.stripped). */
  readonly crcChecked?: boolean;
  readonly mode: PhyMode;
  readonly format: FrameFormat;
  readonly rssiDbm: number;
  /** Queue time stamp (the producer's ticks, see FrameQueue). */
  readonly time: number;
}

/** Where frames wait: the TS FrameQueue, or the C queue of the native task behind its binding. */
export interface PendingFrames {
  readonly length: number;
  /** Removes and returns the oldest frame, or null when empty. */
  take(): QueuedFrame | null;
}

export interface RadioServiceOptions {
  /** Runs `turn` later on the JS thread (device: a Timer or message; host: the simulator's thread). */
  post: (turn: () => void) => void;
  /** Decodes one frame (called once per turn). Exceptions are caught and counted. */
  decode: (frame: QueuedFrame) => void;
  /** Queue slots for the "js" service (default 8). */
  slots?: number;
  /** Time stamp for queued frames (default: the frame's `receivedAt`). */
  ticks?: (frame: RadioFrame) => number;
}

export interface RadioServiceStats {
  turns: number;
  decoded: number;
  decodeErrors: number;
}

const MODES: Readonly<Record<number, PhyMode>> = Object.freeze({ 84: "T", 67: "C", 83: "S" });
/** Format codes of a frame queued without its CRCs (checked by the radio): "a", "b"; "A", "B" carry CRCs. */
const STRIPPED_A = 97;
const STRIPPED_B = 98;

/** Pops frames out of a FrameQueue as copies. */
export function queueSource(queue: FrameQueue): PendingFrames {
  return {
    get length() {
      return queue.length;
    },
    take() {
      if (queue.length === 0) return null;
      const frame: QueuedFrame = {
        bytes: queue.headBytes().slice(),
        mode: MODES[queue.headMode] ?? "T",
        format: queue.headFormat === 66 || queue.headFormat === STRIPPED_B ? "B" : "A",
        crcChecked: queue.headFormat >= STRIPPED_A,
        rssiDbm: queue.headRssiHalfDb / 2,
        time: queue.headTime,
      };
      queue.pop();
      return frame;
    },
  };
}

export class RadioService {
  readonly queue: FrameQueue;
  readonly stats: RadioServiceStats = { turns: 0, decoded: 0, decodeErrors: 0 };
  readonly #post: (turn: () => void) => void;
  readonly #decode: (frame: QueuedFrame) => void;
  readonly #ticks: (frame: RadioFrame) => number;
  #source: PendingFrames;
  #posted = false;

  constructor(options: RadioServiceOptions) {
    this.#post = options.post;
    this.#decode = options.decode;
    this.#ticks = options.ticks ?? ((f) => f.receivedAt);
    this.queue = new FrameQueue(options.slots ?? 8);
    this.#source = queueSource(this.queue);
  }

  /** The driver's `onFrame` for the "js" service: enqueue and make sure a decode turn is coming. Never throws. */
  readonly frameSink = (f: RadioFrame): void => {
    // The frame the radio stripped is queued as it is (carried forward, not stripped again by the gateway).
    const s = f.stripped;
    if (s) this.queue.push(s, s.length, f.mode.charCodeAt(0), f.format === "B" ? STRIPPED_B : STRIPPED_A, f.rssiDbm * 2, this.#ticks(f));
    else this.queue.push(f.bytes, f.bytes.length, f.mode.charCodeAt(0), f.format.charCodeAt(0), f.rssiDbm * 2, this.#ticks(f));
    this.#schedule();
  };

  /** For the "native" service: frames are waiting in `source` (called from the task's wake-up message). */
  drain(source: PendingFrames = this.#source): void {
    this.#source = source;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#posted || this.#source.length === 0) return;
    this.#posted = true;
    this.#post(this.#turn);
  }

  readonly #turn = (): void => {
    this.#posted = false;
    this.stats.turns++;
    const frame = this.#source.take();
    if (frame) {
      try {
        this.#decode(frame);
        this.stats.decoded++;
      } catch {
        this.stats.decodeErrors++;
      }
    }
    this.#schedule();
  };
}
