/**
 * The 50-meter apartment replay: the simulated apartment's configured meters (seed 12), topped up to 50 with silent
 * ones, and its first 2 000 frames heard in T or C mode above -105 dBm. The real-SDK check (host-tests/sdk) and the
 * bench's per-frame XS cost (host-tests/bench/xs-replay.ts) run the same replay.
 */
import { toHex } from "../../firmware/util/hex.js";
import type { GatewayReplay } from "../../firmware/host/replay.js";
import { Apartment } from "./apartment.js";
import { nodeCipher } from "../../host/aes-node.js";

const FRAMES = 2000;
const CONFIGURED = 50;

/** The gateway replay: the apartment's configured meters, topped up to 50 with silent ones, and its first frames. */
export function apartmentReplay(): GatewayReplay {
  const ap = new Apartment({ cipher: nodeCipher(), seed: 12 });
  const settings = ap.settings("gw-sdk") as { meters: { id: string; name: string; driver?: string }[] };
  for (let i = 0; settings.meters.length < CONFIGURED; i++) {
    settings.meters.push({ id: (0x70000000 + i).toString(16).padStart(8, "0"), name: "silent " + i, driver: "auto" });
  }
  const frames: GatewayReplay["frames"] = [];
  let until = ap.startMs;
  while (frames.length < FRAMES) {
    until += 60_000;
    for (const t of ap.takeUntil(until)) {
      if (t.mode === "S" || t.rssiDbm < -105 || frames.length >= FRAMES) continue;
      frames.push({ hex: toHex(t.bytes), mode: t.mode, format: t.format, rssi: t.rssiDbm, at: t.at });
    }
  }
  return { settings, startMs: ap.startMs, frames };
}

