import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport as imp, runInNodeAndXs } from "../xs/node-and-xs.js";

/**
 * The SX1262 driver runs on the device under XS. One esbuild bundle wires driver + chip model + air on
 * simulated time (no Node imports), sends pseudo-random T/C-A/C-B frames (some longer than the 255-byte
 * ring) and S frames, then wedges the chip; Node and xsnap (XS 13.3) must print the same lines.
 */

const ENTRY = `
import { toHex } from ${imp("firmware/util/hex.ts")};
import { SX1262 } from ${imp("firmware/radio/sx1262/sx1262.ts")};
import { Air } from ${imp("host-tests/sim/air.ts")};
import { SimBoard } from ${imp("host-tests/sim/io.ts")};
import { Scheduler, SimTimers } from ${imp("host-tests/sim/scheduler.ts")};
import { Sx1262Sim } from ${imp("host-tests/sim/sx1262/chip.ts")};
import { airRandomFrames, lcg } from ${imp("host-tests/sim/random-frames.ts")};
${ENTRY_OUT}
const rnd = lcg(0x1262);
const scheduler = new Scheduler();
const board = new SimBoard(scheduler);
const air = new Air(scheduler, { seed: 3 });
const chip = new Sx1262Sim({ board, air, spiPort: 1, selectGpio: 8, busyGpio: 13, dio1Gpio: 14, resetGpio: 12, tcxoVoltage: 1.8 });
const pin = (p) => ({ io: board.Digital, pin: p });
const radio = new SX1262({
  spi: { io: board.SPI, clock: 9, out: 10, in: 11, hz: 8000000, port: 1 },
  select: pin(8), reset: pin(12), busy: pin(13), interrupt: pin(14),
  timers: new SimTimers(scheduler), tcxoVoltage: 1.8, dio2AsRfSwitch: true,
  onFrame: (f) => out([f.mode, f.format, f.rssiDbm, toHex(f.bytes)].join(" ")),
  onDiagnostic: (m) => out("diag " + m),
});
const send = (listen, kinds, count) => {
  scheduler.at(scheduler.now, () => radio.start(listen));
  scheduler.advance(0);
  airRandomFrames(air, rnd, kinds, count);
};
send("TC", ["T", "CA", "CB"], 30);
send("S", ["S"], 8);
chip.inject("stuckBusy");
scheduler.advance(1000000);
out(JSON.stringify(radio.stats), chip.protocolErrors.length, chip.faulty);
`;

describe("SX1262 driver under XS", () => {
  it("prints identical results under Node and xsnap", async () => {
    const { node, xs } = await runInNodeAndXs("sx1262", ENTRY);
    expect(node.filter((l) => /^[TCS] [AB] /.test(l))).toHaveLength(38);
    expect(node[node.length - 1]).toMatch(/"framesDelivered":38,.*"watchdogRecoveries":1\} 0 false$/);
    expect(xs).toEqual(node);
  });
});
