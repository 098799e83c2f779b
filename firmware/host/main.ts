/**
 * Host main of the real-SDK build for a PC (manifest.json platform x-cli-lin; docs/moddable-build.md §7).
 * The same modules and preload list as the device, without the board, the radio task and the network:
 *
 *   wmbus-gateway readings <jobs.json>    one JSON line per corpus record (decode result and reading)
 *   wmbus-gateway gateway <replay.json>   one line per frame through the Gateway, the status, XS memory
 *
 * The inputs are written by host-tests/sdk/sdk-host.ts, which runs the same replays (firmware/host/replay.ts)
 * under Node and compares the lines. AES is the device's: ModdableAes on the SDK's `crypt` module.
 */
import { ModdableAes } from "../platform/aes-crypt.js";
import { replayGateway, replayReadings, type GatewayReplay, type ReadingJob } from "./replay.js";
import { hostArgs, hostMemory, hostReadText, hostWrite } from "./host-native.js";

function emit(line: string): void {
  hostWrite(line + "\n");
}

function memory(): { slots: number; chunks: number } {
  const m = hostMemory();
  return { slots: m.slots, chunks: m.chunks };
}

function run(args: string[]): number {
  const [command, path] = args;
  if (path === undefined || (command !== "readings" && command !== "gateway")) {
    hostWrite("usage: wmbus-gateway readings <jobs.json> | gateway <replay.json>\n");
    return 2;
  }
  // what the modules cost before any input: with preload, the preloaded ones are in the read-only image
  if (command === "gateway") emit(JSON.stringify({ memory: "boot", ...memory() }));
  const input = JSON.parse(hostReadText(path));
  const cipher = new ModdableAes();
  if (command === "readings") replayReadings(input as ReadingJob[], cipher, emit);
  else replayGateway(input as GatewayReplay, cipher, emit, memory);
  return 0;
}

export default run(hostArgs());
