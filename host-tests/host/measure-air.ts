import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "./aes-node.js";
import { MemoryHub } from "./gateway-memory-hub.js";
import { connect, runApartment, SimClock } from "./gateway-runner.js";
import { AirFrameSource, SimulatedAir, type SimChipKind } from "./gateway-air-source.js";
const cipher = nodeCipher();
for (const chip of ["sx1262", "cc1101"] as SimChipKind[]) for (const listen of ["TC", "S"] as const) {
  const t0 = Date.now();
  const ap = new Apartment({ cipher, seed: 2 });
  const clock = new SimClock(ap.startMs);
  const hub = new MemoryHub();
  const { config } = parseConfig(ap.settings("gw", { radioMode: listen }));
  const gateway = new Gateway({ config, clock, cipher, hub });
  const air = new SimulatedAir({ clock });
  const source = new AirFrameSource({ air, chip });
  const g = { gateway, source };
  connect(g);
  await runApartment({ apartment: ap, clock, gateways: [g], durationMs: 3_600_000 });
  let expected = 0;
  for (const m of ap.meters) if (m.configured && (listen === "S" ? m.mode === "S" : m.mode !== "S")) expected += m.sent.length;
  console.log(chip, listen, Date.now() - t0, "ms real", JSON.stringify(gateway.stats()), JSON.stringify(source.stats()), "expected", expected, "heard", source.heard.size, "events", air.scheduler.eventsRun);
}
