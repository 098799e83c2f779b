/**
 * When a gateway may answer a meter (EN 13757-4 response delay t_RO after the end of the meter's frame;
 * EN 13757-7 CFG access bits; EN 13757-4 ELL CC bits). Values and sources in docs/bidirectional.md:
 * the window numbers are those of the Silicon Labs wM-Bus sample (`WMBUS_getMeterLimitedAccRxStart/Stop`,
 * which cites EN 13757-4) and agree with the MBWBLUE manual's gateway reply delays (T2 2 ms, S2 10 ms,
 * C2 100 ms / 1000 ms); protocol digest §1.6. The clause numbers of EN 13757-4:2019 were not available to us.
 */
import type { Telegram } from "../telegram.js";
import type { LinkModeName } from "../phy/modes.js";

export interface ResponseWindow {
  /** Earliest start of the gateway's answer, µs after the last bit of the meter's frame. */
  openUs: number;
  /** Latest start, µs after the same point. */
  closeUs: number;
  /** The link mode the gateway answers in (its downlink). */
  downlink: LinkModeName;
}

/** S2: the meter listens 3 ms … 50 ms after its frame (t_RO, S mode). */
const WINDOW_S2: ResponseWindow = { openUs: 3_000, closeUs: 50_000, downlink: "S2" };
/** T2: the gateway must start its answer 2 ms … 3 ms after the meter's frame (t_RO, T mode). */
export const WINDOW_T2: ResponseWindow = { openUs: 2_000, closeUs: 3_000, downlink: "T2-down" };
/** C2, ELL CC D = 1 (fast response): 100 ms ± 0.5 ms (t_RO, C mode). */
export const WINDOW_C2_FAST: ResponseWindow = { openUs: 99_500, closeUs: 100_500, downlink: "C2-down" };
/** C2, D = 0 (slow response): 1000 ms ± 0.5 ms. */
const WINDOW_C2_SLOW: ResponseWindow = { openUs: 999_500, closeUs: 1_000_500, downlink: "C2-down" };

/** ELL CC bits (EN 13757-4 ELL, protocol digest §3.2). */
const CC_B = 0x80, CC_D = 0x40, CC_A = 0x04;
/** TPL CFG bits 15 (B, bidirectional) and 14 (A, accessibility), modes 0 and 5 (EN 13757-7 configuration field). */
const CFG_B = 0x8000, CFG_A = 0x4000;
const C_ACC_NR = 0x47, C_ACC_DMD = 0x48;

export type Access = "none" | "window" | "unlimited";

/**
 * Whether this meter frame opens a receive window: ACC-NR / ACC-DMD always do; otherwise the TPL CFG B/A bits
 * (BA = 10: a short window after this frame, 11: unlimited access until the next transmission; 00, 01: none)
 * or, without a TPL configuration field, the ELL CC B/A bits with the same meaning.
 */
export function accessOf(t: Telegram): Access {
  const c = t.dll?.c;
  if (c === C_ACC_NR || c === C_ACC_DMD) return "window";
  const cfg = t.tpl?.cfg;
  let b: boolean, a: boolean;
  if (cfg !== undefined && t.tpl!.securityMode !== 7) {
    b = (cfg & CFG_B) !== 0;
    a = (cfg & CFG_A) !== 0;
  } else if (t.ell) {
    b = (t.ell.cc & CC_B) !== 0;
    a = (t.ell.cc & CC_A) !== 0;
  } else return "none";
  if (!b) return "none";
  return a ? "unlimited" : "window";
}

/** The window after a frame heard in `mode` (T, C or S uplink of a bidirectional meter). */
export function responseWindow(mode: "T" | "C" | "S", t?: Telegram): ResponseWindow {
  if (mode === "T") return WINDOW_T2;
  if (mode === "S") return WINDOW_S2;
  const fast = t?.ell !== undefined && (t.ell.cc & CC_D) !== 0;
  return fast ? WINDOW_C2_FAST : WINDOW_C2_SLOW;
}
