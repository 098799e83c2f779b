import { describe, expect, it } from "vitest";
import { Air, type AirSignal, type RxTuning } from "../sim/air.js";
import { wirelessCorpusFrames } from "../sim/corpus-frames.js";
import { DIGITAL, SimBoard } from "../sim/io.js";
import { Scheduler, SimTimers } from "../sim/scheduler.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { addFrameACrc } from "../../firmware/link/frame-format.js";

const TC: RxTuning = { frequencyHz: 868_950_000, bandwidthHz: 325_000, chipRate: 103_150, rateTolerance: 0.145, syncWord: 0x543d, syncBits: 16, syncErrors: 0 };
const S: RxTuning = { frequencyHz: 868_300_000, bandwidthHz: 270_000, chipRate: 32_730, rateTolerance: 0.05, syncWord: 0x7696, syncBits: 16, syncErrors: 0 };

/** A receiver that records what it gets and releases after `take` bytes. */
function recorder(air: Air, tuning: RxTuning | null, take: number) {
  const got: { signal: AirSignal; at: number; bytes: number[]; times: number[]; lostAt: number }[] = [];
  const link = air.attach({
    tuning: () => tuning,
    onSync: (signal) => {
      got.push({ signal, at: air.scheduler.now, bytes: [], times: [], lostAt: -1 });
      return true;
    },
    onByte: (b) => {
      const g = got[got.length - 1];
      g.bytes.push(b);
      g.times.push(air.scheduler.now);
      if (g.bytes.length === take) link.release();
    },
    onCarrierLost: () => {
      got[got.length - 1].lostAt = air.scheduler.now;
    },
  });
  return { got, link };
}

const frame = addFrameACrc(Uint8Array.from([0x0e, 0x44, 0x2d, 0x2c, 0x78, 0x56, 0x34, 0x12, 0x01, 0x07, 0x7a, 0x01, 0x00, 0x00, 0x00]));

describe("scheduler", () => {
  it("runs events in time order, ties in insertion order, and cancels", () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.at(20, () => log.push("b"));
    s.at(10, () => log.push("a"));
    s.at(20, () => log.push("c"), "chip");
    const h = s.at(15, () => log.push("x"));
    s.cancel(h);
    s.runUntil(100);
    expect(log).toEqual(["a", "b", "c"]);
    expect(s.now).toBe(100);
  });

  it("busy-waits run chip events only; host events run late, afterwards", () => {
    const s = new Scheduler();
    const t = new SimTimers(s);
    const log: string[] = [];
    s.at(10, () => {
      log.push("host@" + s.now);
      t.delayMicros(50);
      log.push("after-wait@" + s.now);
    });
    s.at(20, () => log.push("chip@" + s.now), "chip");
    s.at(30, () => log.push("host2@" + s.now));
    s.runUntil(100);
    expect(log).toEqual(["host@10", "chip@20", "after-wait@60", "host2@60"]);
    expect(() => s.at(200, () => s.runUntil(300)) && s.runUntil(250)).toThrow(/re-entrant|inside an event/);
  });
});

describe("io shims", () => {
  it("delivers pin edges to onReadable after the latency, merging edges while pending", () => {
    const s = new Scheduler();
    const board = new SimBoard(s, { interruptLatencyUs: 30 });
    const calls: [number, number][] = [];
    const d = new board.Digital({ pin: 4, mode: DIGITAL.Input, edge: DIGITAL.Rising | DIGITAL.Falling, onReadable: (tr) => calls.push([s.now, tr]) });
    const wire = board.pin(4);
    s.at(10, () => wire.drive(1), "chip");
    s.at(20, () => wire.drive(0), "chip");
    s.at(100, () => wire.drive(1), "chip");
    s.runUntil(1000);
    expect(calls).toEqual([[40, DIGITAL.Rising | DIGITAL.Falling], [130, DIGITAL.Rising]]);
    expect(board.stats.mergedEdges).toBe(1);
    expect(d.read()).toBe(1);
    expect(() => new board.Digital({ pin: 4, mode: DIGITAL.Input })).toThrow(/GPIO 4 is already in use/);
    d.close();
    expect(board.openPins).toBe(0);
  });

  it("SPI talks to the selected device only and rejects non-byte buffers", () => {
    const s = new Scheduler();
    const board = new SimBoard(s);
    const seen: number[] = [];
    board.attachSpi({ select: () => undefined, exchange: (b) => (seen.push(b), b ^ 0xff) }, 5, 2);
    const spi = new board.SPI({ clock: 18, in: 19, out: 23, hz: 4_000_000, port: 2 });
    const cs = new board.Digital({ pin: 5, mode: DIGITAL.Output });
    cs.write(1);
    const buf = Uint8Array.from([1, 2]);
    spi.transfer(buf);
    expect([...buf]).toEqual([0xff, 0xff]);
    cs.write(0);
    spi.transfer(buf);
    expect([...buf]).toEqual([0x00, 0x00]);
    expect(seen).toEqual([0xff, 0xff]);
    expect(() => spi.write(new Uint16Array(2) as unknown as Uint8Array)).toThrow(/invalid buffer/);
    spi.close();
    cs.close();
    expect(board.openPins).toBe(0);
  });
});

describe("air model", () => {
  it("delivers the FIFO bytes after the sync word in real airtime, per channel", () => {
    const s = new Scheduler();
    const air = new Air(s);
    const want = fifoBytes("T", "A", frame);
    const tc = recorder(air, TC, want.length);
    const sRx = recorder(air, S, 4);
    const sig = air.transmit({ mode: "T", format: "A", frame, rssiDbm: -70, at: 1000 });
    s.runUntil(100_000);
    expect(sRx.got).toHaveLength(0);
    expect(tc.got).toHaveLength(1);
    expect(tc.got[0].bytes).toEqual([...want]);
    // sync ends after 19 preamble pairs + 10 sync chips = 48 chips = 480 µs; each byte 80 µs later
    expect(tc.got[0].at).toBeCloseTo(1000 + 480, 6);
    expect(tc.got[0].times[1] - tc.got[0].times[0]).toBeCloseTo(80, 6);
    expect(sig.end - sig.start).toBeCloseTo(sig.chipCount * 10, 6);
  });

  it("S mode at 32.768 kcps is heard only on 868.30 MHz", () => {
    const s = new Scheduler();
    const air = new Air(s);
    const want = fifoBytes("S", "A", frame);
    const tc = recorder(air, TC, 4);
    const sRx = recorder(air, S, want.length);
    air.transmit({ mode: "S", format: "A", frame, rssiDbm: -80 });
    s.runUntil(1e6);
    expect(tc.got).toHaveLength(0);
    expect(sRx.got[0].bytes).toEqual([...want]);
    expect(sRx.got[0].times[1] - sRx.got[0].times[0]).toBeCloseTo(8e6 / 32768, 6);
  });

  it("sends noise after the end until released and reports carrier loss", () => {
    const s = new Scheduler();
    const air = new Air(s);
    const n = fifoBytes("C", "B", frame).length;
    const rx = recorder(air, TC, n + 5);
    const sig = air.transmit({ mode: "C", format: "A", frame, rssiDbm: -60 });
    s.runUntil(1e6);
    expect(rx.got[0].bytes).toHaveLength(n + 5);
    expect(rx.got[0].lostAt).toBeGreaterThanOrEqual(sig.end);
    expect(s.pending).toBe(0);
  });

  it("counts collisions; equal levels corrupt, a 10 dB stronger signal is undisturbed", () => {
    for (const [a, b, clean] of [[-70, -70, false], [-60, -70, true]] as const) {
      const s = new Scheduler();
      const air = new Air(s);
      const want = fifoBytes("C", "A", frame);
      const rx = recorder(air, TC, want.length);
      air.transmit({ mode: "C", format: "A", frame, rssiDbm: a, at: 0 });
      air.transmit({ mode: "C", format: "A", frame, rssiDbm: b, at: 500 });
      s.runUntil(1e6);
      expect(air.stats.collisions).toBe(1);
      expect(rx.got).toHaveLength(1);
      expect(rx.got[0].bytes.every((x, i) => x === want[i])).toBe(clean);
      expect(air.stats.corruptedBytes > 0).toBe(!clean);
    }
  });

  it("flips chips at the configured BER, reproducibly", () => {
    const run = () => {
      const s = new Scheduler();
      const air = new Air(s, { ber: 0.01, seed: 7 });
      const want = fifoBytes("C", "A", frame);
      const rx = recorder(air, TC, want.length);
      for (let i = 0; i < 50; i++) air.transmit({ mode: "C", format: "A", frame, rssiDbm: -70, at: i * 10_000 });
      s.runUntil(1e6);
      let diff = 0;
      for (const g of rx.got) g.bytes.forEach((x, i) => (diff += popcount(x ^ want[i])));
      return { diff, flips: air.stats.bitErrors, syncs: rx.got.length, missed: air.stats.syncMissed };
    };
    const a = run();
    expect(a).toEqual(run());
    expect(a.diff).toBe(a.flips);
    expect(a.syncs + a.missed).toBe(50);
    expect(a.flips).toBeGreaterThan(0);
  });
});

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

describe("corpus frames", () => {
  it("codes every wireless telegram as T1, C1-A, C1-B and S1 with CRCs", () => {
    const c = wirelessCorpusFrames();
    expect(c.telegrams).toBeGreaterThan(250);
    const per = (v: string) => c.frames.filter((f) => f.variant === v).length;
    for (const v of ["T1", "C1-A", "C1-B", "S1"] as const) expect(per(v) + c.skipped[v]).toBe(c.telegrams);
    expect(c.frames.some((f) => f.variant === "T1" && fifoBytes("T", "A", f.frame).length > 255)).toBe(true);
  });
});
