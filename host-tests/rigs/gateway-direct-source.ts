/**
 * The simplest FrameSource: the apartment's transmissions go straight to the gateway as RadioFrames, as an
 * ideal radio would deliver them — only frames on the channel the gateway listens to (T1+C1 or S1) and above
 * the receiver's sensitivity. Its twin on the air model is AirFrameSource (gateway-air-source.ts): it takes the
 * same Transmission, puts it on the air and lets the CC1101/SX1262 driver on its chip simulator deliver the RadioFrame.
 */
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import type { Transmission } from "../sim/apartment.js";
import type { SimulatedReceiver } from "../sim/gateway-runner.js";

/** Weakest frame the direct source delivers (≈ CC1101 at 100 kcps, datasheet table "RX sensitivity"). */
export const DIRECT_SENSITIVITY_DBM = -105;

export class DirectFrameSource implements SimulatedReceiver {
  readonly sensitivityDbm: number;
  #listen?: RadioListen;
  #onFrame?: (frame: RadioFrame) => void;
  readonly #stats = { framesDelivered: 0, otherChannel: 0, tooWeak: 0 };

  constructor(sensitivityDbm = DIRECT_SENSITIVITY_DBM) {
    this.sensitivityDbm = sensitivityDbm;
  }

  start(listen: RadioListen, onFrame: (frame: RadioFrame) => void): void {
    this.#listen = listen;
    this.#onFrame = onFrame;
  }

  /** True when a gateway listening on `listen` hears PHY mode `mode`. */
  static hears(listen: RadioListen, mode: Transmission["mode"]): boolean {
    return listen === "S" ? mode === "S" : mode === "T" || mode === "C";
  }

  /** Offers one transmission (the "air" calls this at `tx.at`). */
  transmit(tx: Transmission): void {
    if (!this.#listen || !this.#onFrame) return;
    if (!DirectFrameSource.hears(this.#listen, tx.mode)) {
      this.#stats.otherChannel++;
      return;
    }
    if (tx.rssiDbm < this.sensitivityDbm) {
      this.#stats.tooWeak++;
      return;
    }
    this.#stats.framesDelivered++;
    this.#onFrame({ bytes: tx.bytes.slice(), mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at });
  }

  stats(): Record<string, number> {
    return { ...this.#stats };
  }

  close(): void {
    this.#listen = undefined;
    this.#onFrame = undefined;
  }
}
