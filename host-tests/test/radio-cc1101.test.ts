/**
 * Issue 6 acceptance for the CC1101: air → chip simulator → driver, against every wireless corpus telegram.
 */
import { describe, expect, it } from "vitest";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import { wirelessCorpusFrames } from "../sim/corpus-frames.js";
import { hex, longestFrame, rig, type Sent } from "./radio-cc1101-helpers.js";

const corpus = wirelessCorpusFrames();
const tc = corpus.frames.filter((f) => f.mode !== "S");
const s1 = corpus.frames.filter((f) => f.mode === "S");

function expectExact(got: { bytes: Uint8Array; mode: string; format: string }[], sent: readonly Sent[]): void {
  expect(got.map((f) => `${f.mode}${f.format}:${hex(f.bytes)}`)).toEqual(sent.map((f) => `${f.mode}${f.format}:${hex(f.frame)}`));
}

describe("CC1101 receives every corpus telegram bit-exact at zero noise", () => {
  it("T1, C1 frame A and C1 frame B interleaved on one T+C channel", () => {
    const r = rig("TC");
    // interleave variants so mode detection switches frame by frame
    const order = [...tc].sort((a, b) => a.index - b.index || a.variant.localeCompare(b.variant));
    r.send(order);
    expectExact(r.frames, order);
    expect(r.frames.length).toBe(corpus.telegrams * 3 - corpus.skipped.T1 - corpus.skipped["C1-A"] - corpus.skipped["C1-B"]);
    expect(r.diagnostics).toEqual([]);
    expect(r.radio.stats).toMatchObject({ crcErrors: 0, lengthErrors: 0, codingErrors: 0, syncErrors: 0, overflows: 0, watchdogRecoveries: 0 });
    expect(r.chip.stats.drainedWhileReceiving).toBe(0);
    expect(r.chip.stats.underflowReads).toBe(0);
    // long frames: T1 frames whose FIFO length passes 255 bytes (PKTLEN mod 256 + fixed switch) are among them
    expect(order.filter((f) => f.mode === "T" && fifoBytes("T", "A", f.frame).length > 255).length).toBeGreaterThan(0);
    for (const f of r.frames) expect(f.rssiDbm).toBeCloseTo(-75, 0);
  });

  it("S1 on the S channel", () => {
    const r = rig("S");
    r.send(s1);
    expectExact(r.frames, s1);
    expect(r.frames.length).toBe(corpus.telegrams - corpus.skipped.S1);
    expect(s1.some((f) => fifoBytes("S", "A", f.frame).length > 255)).toBe(true);
    expect(r.radio.stats.crcErrors + r.radio.stats.overflows).toBe(0);
  });

  it("the longest frames the air allows (L = 255): T1 435, C1-A 292, C1-B 258, S1 580 FIFO bytes", () => {
    const a = longestFrame("A"), b = longestFrame("B");
    const sentTc: Sent[] = [
      { mode: "T", format: "A", frame: a },
      { mode: "C", format: "A", frame: a },
      { mode: "C", format: "B", frame: b },
    ];
    const r = rig("TC");
    r.send(sentTc);
    expectExact(r.frames, sentTc);
    const rs = rig("S");
    rs.send([{ mode: "S", format: "A", frame: a }]);
    expect(rs.frames.map((f) => hex(f.bytes))).toEqual([hex(a)]);
    expect(a.length).toBe(290);
    expect(fifoBytes("T", "A", a).length).toBe(435);
  });

  it("a chip on the other channel hears nothing", () => {
    const r = rig("S");
    r.send(tc.slice(0, 20));
    expect(r.frames).toHaveLength(0);
    expect(r.air.stats.syncs).toBe(0);
    const t = rig("TC");
    t.send(s1.slice(0, 5));
    expect(t.frames).toHaveLength(0);
  });
});

describe("CC1101 under bit errors and collisions", () => {
  it("BER 1e-4 (and 1e-3): no corrupted frame is ever delivered; losses are counted", () => {
    for (const ber of [1e-4, 1e-3]) {
      const r = rig("TC", { ber, seed: 11 });
      const sent = tc.filter((_, i) => i % 2 === 0);
      r.send(sent);
      const valid = new Set(sent.map((f) => `${f.mode}${f.format}:${hex(f.frame)}`));
      for (const f of r.frames) {
        expect(valid.has(`${f.mode}${f.format}:${hex(f.bytes)}`)).toBe(true);
        expect(f.format === "A" ? stripFrameA(f.bytes) : stripFrameB(f.bytes)).not.toBeNull();
      }
      const st = r.radio.stats;
      const rejected = st.crcErrors + st.codingErrors + st.lengthErrors + st.syncErrors + st.overflows;
      expect(r.air.stats.bitErrors).toBeGreaterThan(0);
      // every frame is delivered, rejected with a count, or lost at the sync word (counted by the air)
      expect(r.frames.length + rejected + r.air.stats.syncMissed + r.radio.cc1101Stats.frameTimeouts).toBeGreaterThanOrEqual(sent.length);
      expect(rejected).toBeGreaterThan(0);
      if (ber === 1e-4) expect(r.frames.length).toBeGreaterThan(sent.length * 0.8);
    }
  });

  it("overlapping transmissions of equal level collide: counted, neither delivered", () => {
    const r = rig("TC");
    const [x, y] = [tc.find((f) => f.variant === "C1-A" && f.frame.length > 60)!, tc.find((f) => f.variant === "T1" && f.frame.length > 60)!];
    const t0 = r.scheduler.now + 1000;
    const sx = r.air.transmit({ mode: x.mode, format: x.format, frame: x.frame, rssiDbm: -70, at: t0 });
    r.air.transmit({ mode: y.mode, format: y.format, frame: y.frame, rssiDbm: -71, at: t0 + (sx.end - sx.start) / 3 });
    r.run(100_000);
    expect(r.air.stats.collisions).toBe(1);
    expect(r.frames).toHaveLength(0);
    const st = r.radio.stats;
    expect(st.crcErrors + st.codingErrors + st.lengthErrors + st.syncErrors).toBeGreaterThan(0);
    // and the receiver is back: the next frame arrives
    r.send([x]);
    expect(r.frames.map((f) => hex(f.bytes))).toEqual([hex(x.frame)]);
  });

  it("a signal 10 dB above an overlapping one is captured; the weaker one is lost", () => {
    const r = rig("TC");
    const x = tc.find((f) => f.variant === "C1-B")!;
    const t0 = r.scheduler.now + 1000;
    const sx = r.air.transmit({ mode: x.mode, format: x.format, frame: x.frame, rssiDbm: -60, at: t0 });
    r.air.transmit({ mode: "T", format: "A", frame: tc[0].frame, rssiDbm: -70, at: t0 + (sx.end - sx.start) / 2 });
    r.run(100_000);
    expect(r.air.stats.collisions).toBe(1);
    expect(r.frames.map((f) => hex(f.bytes))).toEqual([hex(x.frame)]);
  });
});

describe("CC1101 frequency offset compensation", () => {
  it("reports the meter's carrier error and moves FSCTRL0 towards it", () => {
    const r = rig("TC");
    const sent = tc.filter((f) => f.variant === "C1-A").slice(0, 40);
    r.send(sent, { freqOffsetHz: 40_000 });
    expect(r.frames).toHaveLength(40);
    const step = 26e6 / 16384;
    for (const f of r.frames) expect(Math.abs(f.freqOffsetHz! - 40_000)).toBeLessThanOrEqual(step);
    // 40 kHz = 25 steps; the 1/8 average has come most of the way after 40 frames
    expect(r.radio.frequencyCompensation).toBeGreaterThan(20);
    expect(r.radio.frequencyCompensation).toBeLessThanOrEqual(26);
    expect(r.chip.regs[0x0c]).toBe(r.radio.frequencyCompensation & 0xff);
  });
});
