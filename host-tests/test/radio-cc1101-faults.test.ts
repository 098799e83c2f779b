/** CC1101 recovery: stuck or garbled SPI, a frozen state machine, a brown-out, FIFO overflow; close(). */
import { describe, expect, it } from "vitest";
import { wirelessCorpusFrames } from "../sim/corpus-frames.js";
import type { Cc1101Fault } from "../sim/cc1101/cc1101-sim.js";
import { MARC } from "../../firmware/radio/cc1101/cc1101-registers.js";
import { hex, rig } from "./radio-cc1101-helpers.js";

const tc = wirelessCorpusFrames().frames.filter((f) => f.mode !== "S");
const some = tc.filter((_, i) => i % 40 === 0);

describe("CC1101 watchdog", () => {
  for (const fault of ["miso-stuck", "garbage", "frozen", "brownout"] as Cc1101Fault[]) {
    it(`recovers from "${fault}" within 1 s of simulated time and frames flow again`, () => {
      const r = rig("TC");
      r.send(some.slice(0, 3));
      expect(r.frames).toHaveLength(3);
      const before = r.radio.stats.watchdogRecoveries;
      const t0 = r.scheduler.now;
      r.chip.inject(fault);
      // frames sent while the chip is wedged are lost; that is what the watchdog limits
      let recoveredAt = -1;
      while (r.scheduler.now - t0 < 2e6) {
        r.run(10_000);
        if (r.radio.stats.watchdogRecoveries > before && r.chip.activeFault === null && r.chip.marcState === MARC.RX) {
          recoveredAt = r.scheduler.now;
          break;
        }
      }
      expect(recoveredAt).toBeGreaterThan(0);
      expect(recoveredAt - t0).toBeLessThanOrEqual(1e6);
      r.frames.length = 0;
      r.send(some.slice(3, 8));
      expect(r.frames.map((f) => hex(f.bytes))).toEqual(some.slice(3, 8).map((f) => hex(f.frame)));
      expect(r.radio.stats.resets).toBeGreaterThanOrEqual(1);
      expect(r.diagnostics.some((d) => d.startsWith("cc1101 watchdog:"))).toBe(true);
    });
  }

  it("keeps retrying while the chip stays mute, and counts the failed initialisations", () => {
    const r = rig("TC");
    r.chip.inject("miso-stuck", r.scheduler.now + 1.5e6); // survives SRES until then
    r.run(1.4e6);
    expect(r.radio.cc1101Stats.failedInits).toBeGreaterThanOrEqual(4);
    r.run(0.6e6);
    r.frames.length = 0;
    r.send(some.slice(0, 3));
    expect(r.frames).toHaveLength(3);
  });
});

describe("CC1101 RX FIFO overflow", () => {
  it("is counted and recovered when the interrupt comes too late (6 ms > 64 bytes · 80 µs)", () => {
    const r = rig("TC");
    const long = tc.filter((f) => f.frame.length > 120).slice(0, 4);
    r.sim.board.interruptLatencyUs = 6_000;
    r.send(long, { gapUs: 10_000 });
    expect(r.radio.stats.overflows).toBeGreaterThan(0);
    expect(r.chip.stats.overflows).toBeGreaterThan(0);
    expect(r.frames).toHaveLength(0);
    r.sim.board.interruptLatencyUs = 50;
    r.send(long);
    expect(r.frames.map((f) => hex(f.bytes))).toEqual(long.map((f) => hex(f.frame)));
  });

  it("still receives everything at 1.5 ms interrupt latency (inside the 32-byte threshold headroom)", () => {
    const r = rig("TC", {}, 1_500);
    const sent = tc.filter((_, i) => i % 7 === 0);
    r.send(sent, { gapUs: 4_000 });
    expect(r.frames.length).toBe(sent.length);
    expect(r.radio.stats.overflows).toBe(0);
  });
});

describe("CC1101 driver lifecycle", () => {
  it("close() releases every io object and stops the timers", () => {
    const r = rig("TC");
    expect(r.sim.board.openPins).toBe(6); // sck, miso, mosi, CSn, GDO0, GDO2
    r.radio.close();
    expect(r.sim.board.openPins).toBe(0);
    r.send(some.slice(0, 2));
    expect(r.frames).toHaveLength(0);
    r.run(2e6);
    expect(r.scheduler.pending).toBe(0);
  });

  it("switches channel on start() again", () => {
    const r = rig("TC");
    r.radio.start("S");
    const s1 = wirelessCorpusFrames().frames.filter((f) => f.mode === "S").slice(0, 3);
    r.send([...s1, ...some.slice(0, 2)]);
    expect(r.frames.map((f) => f.mode)).toEqual(["S", "S", "S"]);
    expect(() => r.radio.start("X" as "S")).toThrow(/listen must be "TC" or "S"/);
  });
});
