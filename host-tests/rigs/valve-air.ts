/**
 * Bidirectional meters on the chip-level air (host-tests/sim/air.ts), for commands sent by the real radio
 * drivers on their chip models: each meter (BidirMeter of bidir-air.ts: a valve, or a meter answering REQ-UD2)
 * sends its T2 or C2 telegram on air with the air model's own encoder, then opens its downlink receiver
 * (host-tests/sim/downlink-receiver.ts) for its response window — T2 2–3 ms, C2 (ELL CC D = 1) 100 ms ± 0.5 ms
 * after the end of its frame (docs/bidirectional.md) — on the downlink channel of its mode. A downlink heard
 * there is decrypted with the meter's key (SND-UD sets the valve and is answered with an ACK; REQ-UD2 with the
 * longer telegram), the answer sent once the meter's own response delay has passed after the downlink.
 * The gateway on the other end is a real driver of firmware/radio on its chip model (sim-radio.ts), whose
 * transmit path the meters judge: that is why this lives with the rigs.
 */
import { stripFrameA } from "../../firmware/link/frame-format.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import { toHex } from "../../firmware/util/hex.js";
import type { Air, AirSignal } from "../sim/air.js";
import { DownlinkReceiver, type DownlinkHeard, type DownlinkMode } from "../sim/downlink-receiver.js";
import { BidirMeter, type BidirMeterOptions } from "./bidir-air.js";

/** The meter's receive window after its own frame, µs, and its downlink channel. */
const WINDOW: Readonly<Record<"T" | "C", { openUs: number; closeUs: number; down: DownlinkMode }>> = Object.freeze({
  T: { openUs: 2_000, closeUs: 3_000, down: "T2-down" },
  C: { openUs: 99_500, closeUs: 100_500, down: "C2-down" },
});

export interface ValveAirOptions {
  air: Air;
  cipher: BlockCipher;
  /** Level of the meters' frames at the gateway (default −70 dBm). */
  rssiDbm?: number;
}

interface OnAirMeter {
  meter: BidirMeter;
  rx: DownlinkReceiver;
}

export class ValveAir {
  readonly meters: BidirMeter[] = [];
  /** Every downlink a meter heard in its window. */
  readonly heard: { meter: string; heard: DownlinkHeard }[] = [];
  /** Uplinks on air: the meters' telegrams and answers. */
  readonly uplinks: { meter: string; signal: AirSignal; answer: boolean }[] = [];
  readonly #o: ValveAirOptions;
  readonly #on: OnAirMeter[] = [];

  constructor(o: ValveAirOptions) {
    this.#o = o;
  }

  /** A meter sending every `intervalMs` from `firstAt` (ms of the air's scheduler). */
  add(o: BidirMeterOptions, address: Uint8Array): BidirMeter {
    const meter = new BidirMeter(o, address);
    const entry: OnAirMeter = { meter, rx: new DownlinkReceiver(this.#o.air, (h) => this.#receive(entry, h)) };
    this.meters.push(meter);
    this.#on.push(entry);
    this.#schedule(entry, o.firstAt * 1000);
    return meter;
  }

  /** Downlinks a meter's receiver saw but could not take (outside its window, or undecodable). */
  missed(id: string): { at: number; why: string }[] {
    return this.#on.find((e) => e.meter.o.id === id)?.rx.missed ?? [];
  }

  #schedule(e: OnAirMeter, atUs: number): void {
    const sch = this.#o.air.scheduler;
    sch.at(atUs, () => {
      const m = e.meter;
      m.acc = (m.acc + 1) & 0xff;
      m.volumeL += 7;
      this.#send(e, m.frame(this.#o.cipher, 0x44), false, sch.now);
      this.#schedule(e, sch.now + m.o.intervalMs * 1000);
    }, "chip");
  }

  /** The meter transmits at `atUs`; after the last chip its receiver opens for the window. */
  #send(e: OnAirMeter, bytes: Uint8Array, answer: boolean, atUs: number): void {
    const signal = this.#o.air.transmit({ mode: e.meter.o.mode, format: "A", frame: bytes, rssiDbm: this.#o.rssiDbm ?? -70, at: atUs });
    this.uplinks.push({ meter: e.meter.o.id, signal, answer });
    const w = WINDOW[e.meter.o.mode];
    e.rx.open(w.down, signal.end + w.openUs, signal.end + w.closeUs);
  }

  /** A downlink heard in the window: addressed to this meter? Then act and answer after the response delay. */
  #receive(e: OnAirMeter, h: DownlinkHeard): void {
    const m = e.meter;
    const f = stripFrameA(h.bytes);
    if (!f || toHex(f, 4, 8) !== toHex(m.address, 2, 6)) {
      m.log.push("downlink not for this meter or bad CRC");
      return;
    }
    this.heard.push({ meter: m.o.id, heard: h });
    const w = WINDOW[m.o.mode];
    const reply = m.react(this.#o.cipher, f);
    if (reply !== undefined) this.#send(e, reply, true, h.end + w.openUs + 500);
  }
}
