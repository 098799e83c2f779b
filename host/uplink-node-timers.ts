/** UplinkTimers on Node's setTimeout (host runs and broker tests). */
import type { UplinkTimers } from "../firmware/uplink/uplink.js";

export const nodeTimers: UplinkTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
