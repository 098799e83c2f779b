import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport as imp, runInNodeAndXs } from "../xs/node-and-xs.js";

/**
 * The CC1101 driver runs on the device under XS. One bundle wires driver + chip model + air on simulated time
 * (no Node imports), sends pseudo-random T/C-A/C-B frames (FIFO lengths up to 435 bytes) and S frames, then
 * freezes the chip; Node and xsnap (XS 13.3) must print the same lines.
 */

const ENTRY = `
import { airRandomFrames, lcg } from ${imp("host-tests/sim/random-frames.ts")};
import { toHex } from ${imp("firmware/util/hex.ts")};
import { CC1101 } from ${imp("firmware/radio/cc1101/cc1101.ts")};
import { Air } from ${imp("host-tests/sim/air.ts")};
import { SimBoard } from ${imp("host-tests/sim/io.ts")};
import { Scheduler, SimTimers } from ${imp("host-tests/sim/scheduler.ts")};
import { Cc1101Sim } from ${imp("host-tests/sim/cc1101/cc1101-sim.ts")};
${ENTRY_OUT}
const rnd = lcg(0x1101);
const scheduler = new Scheduler();
const board = new SimBoard(scheduler);
const air = new Air(scheduler, { seed: 5 });
const chip = new Cc1101Sim({ board, air, spiPort: 2, selectGpio: 5, gdo0Gpio: 4, gdo2Gpio: 2 });
const pin = (p) => ({ io: board.Digital, pin: p });
const radio = new CC1101({
  spi: { io: board.SPI, clock: 18, out: 23, in: 19, hz: 4000000, port: 2 },
  select: pin(5), interrupt: pin(4), interrupt2: pin(2), timers: new SimTimers(scheduler),
  onFrame: (f) => out([f.mode, f.format, f.rssiDbm, f.lqi, f.freqOffsetHz, toHex(f.bytes)].join(" ")),
  onDiagnostic: (m) => out("diag " + m),
});
for (const [listen, kinds, count] of [["TC", ["T", "CA", "CB"], 30], ["S", ["S"], 8]]) {
  radio.start(listen);
  scheduler.advance(2000);
  airRandomFrames(air, rnd, kinds, count, 20000);
}
chip.inject("frozen");
scheduler.advance(1000000);
out(JSON.stringify(radio.stats), chip.marcState);
`;

describe("CC1101 driver under XS", () => {
  it("prints identical results under Node and xsnap", async () => {
    const { node, xs } = await runInNodeAndXs("cc1101", ENTRY);
    expect(node.filter((l) => /^[TCS] [AB] /.test(l))).toHaveLength(38);
    expect(node[node.length - 1]).toMatch(/"framesDelivered":38,.*"watchdogRecoveries":1\} 13$/);
    expect(xs).toEqual(node);
  });
});
