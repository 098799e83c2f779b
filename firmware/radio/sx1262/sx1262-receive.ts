/**
 * The SX1262 driver's receive path with buffer service "js" (sx1262.ts serves the IRQs and calls in here):
 * single-mode RX re-arming and the long-packet streaming of each frame out of the 256-byte ring.
 *
 *   - GFSK, fixed-length packets, CRC and whitening off, 16-bit sync 0x543D / 0x7696 at 0x06C0: the chip's
 *     data buffer then holds exactly the FIFO bytes phy/frame-assembler expects (C: `54 CD`/`54 3D`, L, …;
 *     T: 3-of-6 chips; S: Manchester chips).
 *   - Single-mode RX without timeout (§13.1.4, SetRx 0), re-armed after every packet with the buffer base at
 *     0: "in single mode the RX data pointer is initialised to RxBaseAddr each time the chip enters RX"
 *     (§7.2), so every packet starts at ring address 0, where Semtech's long-packet method (below) works.
 *     Fallback STDBY_XOSC keeps the TCXO running between packets. DIO1 = SyncWordValid | RxDone | Timeout.
 *   - On SyncWordValid the driver caches RSSI (GetPacketStatus reads 0 outside RX), then reads the 256-byte
 *     ring as the frame arrives (0x0803 = RX address pointer, ReadBuffer wraps at 255: §7.2). As soon as the
 *     header gives the FIFO length it programs 0x06BB so the packet ends on the last frame byte; frames
 *     longer than 255 FIFO bytes keep 0x06BB ahead of the engine's 8-bit count until fewer than 256 remain
 *     (Semtech AN1200.53 and its sx126x_long_pkt library). Reads happen at least every LONG_POLL_BYTES, so
 *     the ring never laps.
 *   - A frame ends when the assembler has all its FIFO bytes (or on RxDone: GetRxBufferStatus gives the
 *     packet's length, §13.5.2); then RX is re-armed at once for the next one.
 *   - Every frame's DLL CRCs are verified (link/frame-format) before `onFrame`; failures are counted.
 */
import { FIFO_FRAME, FIFO_MORE, FrameAssembler } from "../../phy/frame-assembler.js";
import { countAssemblyError, intactFrame } from "../assembled-frame.js";
import { fifoByteMicros } from "../../phy/modes.js";
import type { RadioListen, RadioOptions, RadioStats, RadioTimers } from "../radio.js";
import { type Sx1262Bus, be } from "./sx1262-bus.js";
import type { Sx1262Channel } from "./sx1262-settings.js";
import { SX_IRQ, SX_OP, SX_REG, SX_RX_SINGLE } from "./sx1262-settings.js";

/** The ring is read at least this often (in FIFO bytes) while a frame arrives: well under 256. */
const LONG_POLL_BYTES = 128;
/** A poll this many byte times after the expected end reads the rest even when RxDone is served late. */
const END_SLACK_BYTES = 4;
/** RSSI reported for a frame whose packet status was gone before the driver could read it. */
export const RSSI_UNKNOWN_DBM = -127;

/** What the receive path needs from its driver. */
export interface Sx1262ReceiveContext {
  readonly bus: Sx1262Bus;
  readonly timers: RadioTimers;
  readonly stats: RadioStats;
  readonly onFrame: RadioOptions["onFrame"];
  readonly diag: (message: string) => void;
  /** The chip stopped answering: the driver re-initialises it. */
  wedged(why: string): void;
  /** A sync word arrived (the deafness check); `rssiLost`: its RSSI was already gone. */
  synced(rssiLost: boolean): void;
}

interface FrameState {
  rssiDbm: number;
  /** FIFO bytes read from the ring for this frame. */
  read: number;
  /** 0x06BB holds the frame's final length (mod 256). */
  lengthFinal: boolean;
  lastReadMs: number;
  startedMs: number;
}

export class Sx1262Receiver {
  readonly #c: Sx1262ReceiveContext;
  #headerBytes = 0;
  #assembler = new FrameAssembler("TC");
  #byteMs = 0.08;
  #readPtr = 0;
  #frame: FrameState | null = null;
  #poll: unknown = null;
  /** RX arms so far: a pause that saw one tells the native service that its frame is gone. */
  #arms = 0;

  constructor(context: Sx1262ReceiveContext) {
    this.#c = context;
  }

  get arms(): number {
    return this.#arms;
  }

  /** A frame is being read (a sync word came and its packet has not ended). */
  get receiving(): boolean {
    return this.#frame !== null;
  }

  /** A frame is at most 435 FIFO bytes (T, L = 255) or 580 (S): twice that without its end is a hang. */
  stalled(now: number): boolean {
    return this.#frame !== null && now - this.#frame.startedMs > 1200 * this.#byteMs;
  }

  /** The channel the next frames come on. */
  listen(listen: RadioListen, ch: Sx1262Channel): void {
    this.#headerBytes = ch.headerBytes;
    this.#assembler = new FrameAssembler(listen);
    this.#byteMs = fifoByteMicros(ch.bitrate) / 1000;
  }

  /** Drops the frame being read (the chip is re-initialised or closed). */
  cancel(): void {
    this.#endFrame();
  }

  /**
   * (Re)arms single-mode RX: the next packet is written from ring address 0 (§7.2). `stopped` = the chip is in
   * its fallback mode after RxDone (§13.1.9) with the buffer base still 0: then SetStandby and
   * SetBufferBaseAddress are skipped, so RX is back ≈ 50 µs sooner — a frame that starts right after another
   * still has its preamble detected (§13.4.6.2).
   */
  armRx(stopped = false): boolean {
    this.#frame = null;
    this.#readPtr = 0;
    this.#arms++;
    const bus = this.#c.bus;
    return (
      (stopped || (bus.command([SX_OP.SET_STANDBY, 0x01]) && bus.command([SX_OP.SET_BUFFER_BASE_ADDRESS, 0x00, 0x00]))) &&
      bus.writeRegister(SX_REG.PAYLOAD_LENGTH, 0xff) &&
      bus.command([SX_OP.CLEAR_IRQ_STATUS, ...be(SX_IRQ.ALL, 2)]) &&
      bus.command([SX_OP.SET_RX, ...be(SX_RX_SINGLE, 3)])
    );
  }

  /** SyncWordValid: caches the RSSI and starts reading the frame from the ring. */
  beginFrame(): void {
    const c = this.#c;
    const status = c.bus.get(SX_OP.GET_PACKET_STATUS, 3); // RxStatus, RssiSync, RssiAvg (§13.5.3)
    if (status < 0) return c.wedged("no answer to GetPacketStatus");
    const now = c.timers.ticks();
    // 0 = the chip left RX (RxDone came first) before the status was read: the RSSI is gone
    const rssiSync = (status >> 8) & 0xff;
    c.synced(rssiSync === 0);
    const rssiDbm = rssiSync === 0 ? RSSI_UNKNOWN_DBM : -rssiSync / 2;
    this.#frame = { rssiDbm, read: 0, lengthFinal: false, lastReadMs: now, startedMs: now };
    this.#assembler.reset();
    this.#schedulePoll(this.#headerBytes + 1);
  }

  #schedulePoll(bytes: number): void {
    const timers = this.#c.timers;
    if (this.#poll !== null) timers.clear(this.#poll);
    this.#poll = timers.set(() => {
      this.#poll = null;
      this.#pollFrame();
    }, bytes * this.#byteMs);
  }

  /** Bytes the chip has written past the driver's read pointer (0x0803 RX data pointer); -1 when stuck. */
  #unread(): number {
    const wp = this.#c.bus.readRegister(SX_REG.RX_DATA_POINTER, 1);
    return wp ? (wp[0] - this.#readPtr) & 0xff : -1;
  }

  /** Reads what the ring holds now, feeds the assembler and keeps 0x06BB where the frame ends. */
  #pollFrame(): void {
    const f = this.#frame;
    if (!f) return;
    const n = this.#unread();
    if (n < 0) return this.#c.wedged("no answer reading the RX pointer");
    if (!this.#drain(f, n)) return;
    const a = this.#assembler;
    if (a.rawTotal === 0) return this.#schedulePoll(1);
    const remaining = a.rawTotal - f.read;
    if (!f.lengthFinal) {
      // The engine ends the packet when its 8-bit count equals 0x06BB. While ≥ 256 bytes remain, write
      // count − 1 (next match 255 bytes on); once fewer remain, the final length mod 256 (AN1200.53).
      const length = remaining > 255 ? f.read - 1 : a.rawTotal;
      if (!this.#c.bus.writeRegister(SX_REG.PAYLOAD_LENGTH, length)) return this.#c.wedged("no answer writing the payload length");
      f.lengthFinal = remaining <= 255;
    }
    this.#schedulePoll(f.lengthFinal ? Math.min(remaining, LONG_POLL_BYTES) + END_SLACK_BYTES : LONG_POLL_BYTES);
  }

  /** Reads `n` ring bytes into the assembler. True while the frame goes on; false once it ended (or the chip is stuck). */
  #drain(f: FrameState, n: number, stopped = false): boolean {
    const c = this.#c;
    const now = c.timers.ticks();
    if (now - f.lastReadMs > 250 * this.#byteMs) {
      // More than the ring holds may have arrived since the last read: the frame is lost (§7.2 ring).
      c.stats.overflows++;
      this.restart("ring overrun");
      return false;
    }
    f.lastReadMs = now;
    if (n > 0) {
      const bytes = c.bus.readBuffer(this.#readPtr, n);
      if (!bytes) {
        c.wedged("no answer reading the buffer");
        return false;
      }
      this.#readPtr = (this.#readPtr + n) & 0xff;
      f.read += n;
      this.#assembler.feed(bytes);
    }
    const status = this.#assembler.status;
    if (status === FIFO_MORE) return true;
    this.#endFrame();
    if (status === FIFO_FRAME) this.#deliver(f);
    else countAssemblyError(c.stats, status);
    // Whether the packet engine has stopped (0x06BB told in time) or would run on: re-arm for the next frame.
    this.restart("", stopped);
    return false;
  }

  #endFrame(): void {
    this.#frame = null;
    if (this.#poll !== null) this.#c.timers.clear(this.#poll);
    this.#poll = null;
  }

  /** Drops the frame being read and re-arms RX (`why`, when given, is reported). */
  restart(why: string, stopped = false): void {
    if (why) this.#c.diag(`sx1262: ${why}; receive restarted`);
    this.#endFrame();
    if (!this.armRx(stopped)) this.#c.wedged("no answer re-arming RX");
  }

  /**
   * RxDone (§13.1.4: the chip is now in the fallback mode): read the rest of the packet, whose length
   * GetRxBufferStatus gives (§13.5.2). A frame still incomplete then was cut short (0x06BB programmed too
   * late): a length error. Then RX is re-armed.
   */
  packetDone(): void {
    const f = this.#frame;
    if (f) {
      const st = this.#c.bus.get(SX_OP.GET_RX_BUFFER_STATUS, 2); // PayloadLengthRx, RxStartBufferPointer
      if (st < 0) return this.#c.wedged("no answer to GetRxBufferStatus");
      const end = ((st >> 8) + (st & 0xff)) & 0xff;
      if (!this.#drain(f, (end - this.#readPtr) & 0xff, true)) return;
      this.#c.stats.lengthErrors++;
    }
    this.restart("", true);
  }

  #deliver(f: FrameState): void {
    const c = this.#c;
    const got = intactFrame(this.#assembler, c.stats);
    if (!got) return;
    c.stats.framesDelivered++;
    try {
      c.onFrame({ ...got, rssiDbm: f.rssiDbm, receivedAt: c.timers.ticks() });
    } catch (e) {
      c.diag(`sx1262: onFrame threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
