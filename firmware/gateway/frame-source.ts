/**
 * Where the gateway gets its frames. On the device a radio driver (firmware/radio: CC1101, SX1262) delivers
 * `RadioFrame`s with verified DLL CRCs; on the host the same shape comes from the chip simulators or, without
 * them, straight from the simulated apartment (host-tests/rigs/gateway-direct-source.ts). The gateway only sees this
 * interface, so swapping the source is the whole seam between "radio" and "gateway".
 */
import type { Radio, RadioFrame, RadioListen } from "../radio/radio.js";

export interface FrameSource {
  /** Starts listening on `listen` (T1+C1 or S1); every intact frame goes to `onFrame`. */
  start(listen: RadioListen, onFrame: (frame: RadioFrame) => void): void;
  /** Counters for the status topic (e.g. RadioStats). */
  stats(): Record<string, number>;
  close(): void;
}

/**
 * A FrameSource over a radio driver (device, or the chip simulators on the host). `make` builds the driver with
 * the given frame callback (firmware/radio/create-radio.ts on the device); a restart closes and rebuilds it.
 */
export class RadioFrameSource implements FrameSource {
  readonly #make: (onFrame: (frame: RadioFrame) => void) => Radio;
  #radio?: Radio;
  #listen?: RadioListen;
  #onFrame?: (frame: RadioFrame) => void;
  #restarts = 0;

  constructor(make: (onFrame: (frame: RadioFrame) => void) => Radio) {
    this.#make = make;
  }

  start(listen: RadioListen, onFrame: (frame: RadioFrame) => void): void {
    this.#listen = listen;
    this.#onFrame = onFrame;
    this.#radio = this.#make(onFrame);
    this.#radio.start(listen);
  }

  /** Closes and re-creates the driver (watchdog). */
  restart(): void {
    if (!this.#listen || !this.#onFrame) return;
    if (this.#radio) this.#radio.close();
    this.#restarts++;
    this.start(this.#listen, this.#onFrame);
  }

  stats(): Record<string, number> {
    return { ...(this.#radio ? this.#radio.stats : {}), sourceRestarts: this.#restarts };
  }

  close(): void {
    if (this.#radio) this.#radio.close();
    this.#radio = undefined;
  }
}
