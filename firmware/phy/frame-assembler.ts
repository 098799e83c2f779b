/**
 * Radio FIFO service loop as a pure state machine (TypeScript twin of firmware/native/wmbus_fifo.c; both must
 * give identical results, checked by host-tests/test/native-twins.test.ts).
 *
 * The radio matches its 16-bit sync word (0x543D for T+C, 0x7696 for S); the driver calls `reset()` then and
 * feeds the FIFO bytes as they arrive, in chunks of any size. The assembler
 *   - on the T+C channel reads 3 bytes: `54 CD L` = C frame A, `54 3D L` = C frame B, `54 xx` = sync error,
 *     otherwise T with the 3-of-6 coded L and C fields;
 *   - on the S channel reads 2 bytes: the Manchester coded L-field;
 *   - checks L (frame A ≥ 9; frame B ≥ 12 and not 128/129), computes the FIFO bytes still to come
 *     (`rawTotal`, so a CC1101 driver can program PKTLEN / the fixed-length switch), decodes 3-of-6 or
 *     Manchester as bytes arrive (a coding error ends the frame at once) and stores the frame, L first,
 *     DLL CRCs included, without the C-mode `54 CD`/`54 3D` word;
 *   - stops consuming at the last frame byte, so trailing postamble/noise in the same chunk is left over.
 * No allocation after construction; the buffer is fixed (FIFO_CAPACITY; the longest frame, A with L = 255,
 * is 290 bytes). CRCs are not checked here: link/frame-format (or wmbus_crc.c) does that on the result.
 */

import type { RadioListen } from "../vocabulary.js";
import { DECODE_MANCHESTER } from "./manchester.js";
import { fifoLength, packetLength } from "./sync.js";
import { DECODE_3OF6 } from "./three-of-six.js";

export const FIFO_CAPACITY = 512;

/** `feed` results. Errors are final until `reset()`. */
export const FIFO_MORE = 0;
export const FIFO_FRAME = 1;
/** An invalid 3-of-6 symbol or a Manchester violation; `errorAt` = frame byte index. */
export const FIFO_ERR_CODING = -1;
/** C prefix 0x54 followed by neither 0xCD nor 0x3D; `errorAt` = -1. */
export const FIFO_ERR_SYNC = -2;
/** L impossible for the frame format; `errorAt` = 0. */
export const FIFO_ERR_LENGTH = -3;
/** The frame would exceed `maxFrame`; `errorAt` = 0. */
export const FIFO_ERR_OVERFLOW = -4;

export type FifoStatus = 0 | 1 | -1 | -2 | -3 | -4;

const D36 = DECODE_3OF6;
const DMAN = DECODE_MANCHESTER;

export class FrameAssembler {
  readonly rx: RadioListen;
  readonly maxFrame: number;
  private readonly buf = new Uint8Array(FIFO_CAPACITY);
  private readonly pend = new Uint8Array(3);
  private npend = 0;
  /** Current status: FIFO_MORE while a frame is being assembled, then FIFO_FRAME or an error. */
  status: FifoStatus = FIFO_MORE;
  /** "" until detected. */
  mode: "" | "T" | "C" | "S" = "";
  format: "" | "A" | "B" = "";
  /** FIFO bytes after the sync word that make up the frame; 0 until the header is read. */
  rawTotal = 0;
  /** FIFO bytes consumed since `reset()`. */
  rawReceived = 0;
  /** Frame bytes (L first, CRCs included) expected; 0 until the header is read. */
  frameLength = 0;
  /** Frame bytes decoded so far. */
  length = 0;
  errorAt = -1;
  /** Bytes of the last `feed` call's chunk that were used. */
  consumed = 0;

  constructor(rx: RadioListen = "TC", maxFrame: number = FIFO_CAPACITY) {
    this.rx = rx;
    this.maxFrame = maxFrame > FIFO_CAPACITY ? FIFO_CAPACITY : maxFrame < 0 ? 0 : maxFrame;
  }

  /** Call on every sync-word match, before feeding that frame's bytes. */
  reset(): void {
    this.npend = 0;
    this.status = FIFO_MORE;
    this.mode = "";
    this.format = "";
    this.rawTotal = 0;
    this.rawReceived = 0;
    this.frameLength = 0;
    this.length = 0;
    this.errorAt = -1;
    this.consumed = 0;
  }

  /** FIFO bytes still needed to finish the frame, or 0 while the header is incomplete or after the end. */
  get rawRemaining(): number {
    return this.status === FIFO_MORE && this.rawTotal > 0 ? this.rawTotal - this.rawReceived : 0;
  }

  /** A copy of the decoded bytes (the complete frame after FIFO_FRAME). */
  frame(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private stop(status: FifoStatus, errorAt: number): FifoStatus {
    this.status = status;
    this.errorAt = errorAt;
    return status;
  }

  /** Checks L and sets the lengths once the header is known (sync.ts: packetLength, fifoLength). */
  private header(l: number, mode: "T" | "C" | "S", format: "A" | "B"): FifoStatus {
    const n = packetLength(mode, format, l);
    if (n < 0) return this.stop(FIFO_ERR_LENGTH, 0);
    if (n > this.maxFrame) return this.stop(FIFO_ERR_OVERFLOW, 0);
    this.frameLength = n;
    this.rawTotal = fifoLength(mode, format, l);
    return FIFO_MORE;
  }

  /**
   * Decodes one byte from its two symbols through `table` (D36: two 6-chip symbols; DMAN: two chip
   * bytes); returns false (and stops) on a bad symbol.
   */
  private put(table: Int8Array, hi: number, lo: number): boolean {
    const h = table[hi], l = table[lo];
    if (h < 0 || l < 0) {
      this.stop(FIFO_ERR_CODING, this.length);
      return false;
    }
    this.buf[this.length++] = (h << 4) | l;
    return true;
  }

  /** 3-of-6: three chip bytes carry two bytes; the first is in the high 12 chips of p[0], p[1]. */
  private put36First(p: Uint8Array): boolean {
    return this.put(D36, p[0] >> 2, ((p[0] & 3) << 4) | (p[1] >> 4));
  }

  /** 3-of-6: the second byte of a group, in the low 12 chips of p[1], p[2]. */
  private put36Second(p: Uint8Array): boolean {
    return this.put(D36, ((p[1] & 15) << 2) | (p[2] >> 6), p[2] & 63);
  }

  /**
   * Feeds FIFO bytes [start, start + length). Returns FIFO_MORE (all consumed, frame not complete),
   * FIFO_FRAME (frame complete; `consumed` bytes used) or an error. After FIFO_FRAME or an error, further
   * calls consume nothing and return the same status until `reset()`.
   */
  feed(data: Uint8Array, start = 0, length = data.length - start): FifoStatus {
    this.consumed = 0;
    if (this.status !== FIFO_MORE) return this.status;
    const pend = this.pend;
    let i = 0;
    while (i < length) {
      const b = data[start + i++];
      this.rawReceived++;
      this.consumed = i;
      if (this.rawTotal === 0) {
        // header
        pend[this.npend++] = b;
        if (this.rx === "S") {
          if (this.npend < 2) continue;
          this.npend = 0;
          this.mode = "S";
          this.format = "A";
          if (!this.put(DMAN, pend[0], pend[1])) return this.status;
          if (this.header(this.buf[0], "S", "A") !== FIFO_MORE) return this.status;
          continue;
        }
        if (this.npend < 3) continue;
        this.npend = 0;
        if (pend[0] === 0x54) {
          this.mode = "C";
          if (pend[1] === 0xcd) this.format = "A";
          else if (pend[1] === 0x3d) this.format = "B";
          else return this.stop(FIFO_ERR_SYNC, -1);
          this.buf[0] = pend[2];
          this.length = 1;
          if (this.header(pend[2], "C", this.format) !== FIFO_MORE) return this.status;
          continue;
        }
        this.mode = "T";
        this.format = "A";
        if (!this.put36First(pend) || !this.put36Second(pend)) return this.status;
        if (this.header(this.buf[0], "T", "A") !== FIFO_MORE) return this.status;
        continue;
      }
      // body
      if (this.mode === "C") {
        this.buf[this.length++] = b;
      } else if (this.mode === "S") {
        pend[this.npend++] = b;
        if (this.npend === 2) {
          this.npend = 0;
          if (!this.put(DMAN, pend[0], pend[1])) return this.status;
        }
      } else {
        pend[this.npend++] = b;
        if (this.npend === 3) {
          this.npend = 0;
          if (!this.put36First(pend) || !this.put36Second(pend)) return this.status;
        } else if (this.npend === 2 && this.rawReceived === this.rawTotal) {
          this.npend = 0;
          if (!this.put36First(pend)) return this.status;
        }
      }
      if (this.rawReceived === this.rawTotal) return this.stop(FIFO_FRAME, -1);
    }
    return FIFO_MORE;
  }
}
