/**
 * Device-only binding of wmbus_fifo.c (glue: wmbus_fifo_xs.c): the radio FIFO state machine with the same
 * interface and results as its host twin FrameAssembler (firmware/phy/frame-assembler.ts). Importing it off the
 * device fails: `Native()`/`native()` are resolved by xsc (mcconfig compiles with -c).
 *
 * On esp32 this file IS the module wmbus/phy/frame-assembler (firmware/native/manifest.json), so it exports
 * everything the TS module does: the status constants (values pinned equal to the TS ones and to
 * wmbus_fifo.h by host-tests/test/platform-native-map.test.ts) and `FrameAssembler`.
 */
import type { FifoStatus } from "../phy/frame-assembler.js";
import type { RadioListen } from "../vocabulary.js";

export type { FifoStatus };
export const FIFO_CAPACITY = 512;
export const FIFO_MORE = 0;
export const FIFO_FRAME = 1;
export const FIFO_ERR_CODING = -1;
export const FIFO_ERR_SYNC = -2;
export const FIFO_ERR_LENGTH = -3;
export const FIFO_ERR_OVERFLOW = -4;

declare function Native(name: string): new () => object;
declare function native(name: string): (...args: any[]) => any;

// Field selectors of xs_wmbus_fifo_get (enum in wmbus_fifo_xs.c).
const STATUS = 0, MODE = 1, FORMAT = 2, RAW_TOTAL = 3, RAW_RECEIVED = 4, RAW_REMAINING = 5;
const FRAME_LENGTH = 6, LENGTH = 7, ERROR_AT = 8, CONSUMED = 9, MAX_FRAME = 11;

const construct = native("xs_wmbus_fifo");
const resetNative = native("xs_wmbus_fifo_reset");
const feedNative = native("xs_wmbus_fifo_feed");
const getNative = native("xs_wmbus_fifo_get");
const frameNative = native("xs_wmbus_fifo_frame");

function letter(code: number): string {
  return code === 0 ? "" : String.fromCharCode(code);
}

export class NativeFrameAssembler extends Native("xs_wmbus_fifo_destructor") {
  readonly rx: RadioListen;

  constructor(rx: RadioListen = "TC", maxFrame = FIFO_CAPACITY) {
    super();
    construct.call(this, rx === "S" ? 1 : 0, maxFrame);
    this.rx = rx;
  }
  get maxFrame(): number {
    return getNative.call(this, MAX_FRAME);
  }
  reset(): void {
    resetNative.call(this);
  }
  feed(data: Uint8Array, start = 0, length = data.length - start): FifoStatus {
    return feedNative.call(this, data, start, length);
  }
  get status(): FifoStatus {
    return getNative.call(this, STATUS);
  }
  get mode(): "" | "T" | "C" | "S" {
    return letter(getNative.call(this, MODE)) as "" | "T" | "C" | "S";
  }
  get format(): "" | "A" | "B" {
    return letter(getNative.call(this, FORMAT)) as "" | "A" | "B";
  }
  get rawTotal(): number {
    return getNative.call(this, RAW_TOTAL);
  }
  get rawReceived(): number {
    return getNative.call(this, RAW_RECEIVED);
  }
  get rawRemaining(): number {
    return getNative.call(this, RAW_REMAINING);
  }
  get frameLength(): number {
    return getNative.call(this, FRAME_LENGTH);
  }
  get length(): number {
    return getNative.call(this, LENGTH);
  }
  get errorAt(): number {
    return getNative.call(this, ERROR_AT);
  }
  get consumed(): number {
    return getNative.call(this, CONSUMED);
  }
  frame(): Uint8Array {
    return new Uint8Array(frameNative.call(this) as ArrayBuffer);
  }
}

/** The name the drivers import (`new FrameAssembler(listen, capacity)`). */
export { NativeFrameAssembler as FrameAssembler };
