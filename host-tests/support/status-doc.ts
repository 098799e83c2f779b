/** A complete status document with nothing counted yet, for tests of what carries it (uplinks, web page). */
import type { StatusDocument } from "../../firmware/uplink/status.js";

export function emptyStatus(over: Partial<StatusDocument> = {}): StatusDocument {
  return {
    gateway: "gw",
    name: "",
    time: "2026-01-01T00:00:00Z",
    uptime_s: 0,
    radio_mode: "T",
    stats: { frames: 0, repeated: 0, duplicates: 0, badFrames: 0, decoded: 0, readings: 0, decodeErrors: {}, noKey: 0, unknownFrames: 0, unknownMeters: 0, dedupEvicted: 0 },
    config_problems: [],
    config: {},
    meters: [],
    unknown_meters: [],
    ...over,
  };
}
