/**
 * XS cost per frame of the 50-meter apartment replay (host-tests/sim/apartment-replay.ts) through one Gateway, with
 * the decoder's memo sizes given. The stage bench (xs-harness.ts) decodes every telegram once unmeasured before it
 * measures it, so the record-shape and frame-format memos always hit there: the cost of a meter heard before, on a
 * gateway whose memos hold it. Here the frames come as an apartment sends them, 50 meters and their models
 * interleaved, so the memos hit only as often as their sizes allow. AES block rounds ("A") and CRC-16 loops ("N")
 * run natively on the device and are left out, as in the stage bench.
 *
 * runReplayCost runs inside xsnap (print is XS's); replayCost is the Node side.
 */
import type { GatewayReplay } from "../../firmware/host/replay.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import type { MemoSizes } from "../../firmware/application/format-cache.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { droppingHub } from "../../firmware/uplink/uplink.js";
import { fromHex } from "../../firmware/util/hex.js";
import { calibrate, markedCipher } from "./xs-harness.js";

declare function print(s: string): void;

/** XS side: one "F" window per frame, after calibration prints. */
export function runReplayCost(replay: GatewayReplay, cipher: BlockCipher, memo: MemoSizes): void {
  let now = replay.startMs;
  const { config, problems } = parseConfig(replay.settings);
  const gw = new Gateway({ config, configProblems: problems, clock: { now: () => now }, cipher: markedCipher(cipher), hub: droppingHub(), memo });
  calibrate();
  for (const f of replay.frames) {
    if (f.at > now) now = f.at;
    const bytes = fromHex(f.hex);
    print("<F");
    gw.handleFrame({ bytes, mode: f.mode, format: f.format, rssiDbm: f.rssi, receivedAt: f.at });
    print(">F");
  }
}
