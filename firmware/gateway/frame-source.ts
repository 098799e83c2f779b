/**
 * Where the gateway gets its frames. On the device a radio driver (firmware/radio: CC1101, SX1262) delivers
 * `RadioFrame`s with verified DLL CRCs; on the host the same shape comes from the chip simulators or, without
 * them, straight from the simulated apartment (host-tests/host/gateway-direct-source.ts). The gateway only sees this
 * interface, so swapping the source is the whole seam between "radio" and "gateway".
 */
import type { RadioFrame, RadioListen } from "../radio/radio.js";

export interface FrameSource {
  /** Starts listening on `listen` (T1+C1 or S1); every intact frame goes to `onFrame`. */
  start(listen: RadioListen, onFrame: (frame: RadioFrame) => void): void;
  /** Counters for the status topic (e.g. RadioStats). */
  stats(): Record<string, number>;
  close(): void;
}
