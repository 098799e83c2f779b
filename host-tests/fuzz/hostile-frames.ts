/** Frames an attacker can send (#15): built from bytes, CRCs added by our link code (checked against a standard vector in hostile-identity.test.ts). */
import { addFrameACrc } from "../../firmware/link/frame-format.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import { fromHex } from "../../firmware/util/hex.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";

/** A format-A frame from stripped hex (L C M A CI …): L is recomputed, the CRCs added. */
export function frameA(strippedHex: string): Uint8Array {
  const b = fromHex(strippedHex);
  b[0] = b.length - 1;
  return addFrameACrc(b);
}

export function radio(bytes: Uint8Array, at = 0): RadioFrame {
  return { bytes, mode: "T", format: "A", rssiDbm: -70, receivedAt: at };
}

/** The link address as on air (M = 0x1593, ID 12345678, version 0x33, device type 03 gas) of the configured meter of the spoof tests. */
export const LINK_ADDRESS = "9315" + "78563412" + "3303";

/** A CI 72 frame: the configured link address, a TPL long header naming `tplId` (8 hex digits), one volume record. */
export function spoofFrame(tplId: number, acc = 0x2b): Uint8Array {
  const id = tplId.toString(16).padStart(8, "0");
  const idLe = id.slice(6, 8) + id.slice(4, 6) + id.slice(2, 4) + id.slice(0, 2);
  const accHex = (acc & 0xff).toString(16).padStart(2, "0");
  return frameA("00" + "44" + LINK_ADDRESS + "72" + idLe + "9315" + "3303" + accHex + "000000" + "0C13" + "99999999");
}

export function gatewayWith(raw: Record<string, unknown>, startMs = Date.UTC(2026, 0, 1)) {
  const clock = new SimClock(startMs);
  const hub = new MemoryHub();
  const { config, problems } = parseConfig(raw);
  const gateway = new Gateway({ config, configProblems: problems, clock, cipher: nodeCipher(), hub });
  return { clock, hub, gateway, problems };
}
