/**
 * SX1262 acceptance: corpus frames through air → SX1262 model → real driver (issue 6). Times are simulated.
 */
import { describe, expect, it } from "vitest";
import { type CodedFrame, type Variant, wirelessCorpusFrames } from "../sim/corpus-frames.js";
import { createSx1262Rig, type Sx1262Rig } from "../rigs/sx1262-rig.js";
import { fifoLength } from "../../firmware/phy/sync.js";
import type { RadioListen } from "../../firmware/radio/radio.js";
import { toHex } from "../../firmware/util/hex.js";

const corpus = wirelessCorpusFrames();
const TC_VARIANTS: Variant[] = ["T1", "C1-A", "C1-B"];

/** Sends `frames` one after the other (gap in µs after each end) and runs until the last has ended. */
function sendAll(rig: Sx1262Rig, frames: CodedFrame[], rssi: (i: number) => number = () => -70, gapUs = 2_000): void {
  let at = rig.scheduler.now + 1_000;
  frames.forEach((f, i) => {
    const s = rig.air.transmit({ mode: f.mode, format: f.format, frame: f.frame, rssiDbm: rssi(i), at });
    at = s.end + gapUs;
  });
  rig.run((at - rig.scheduler.now) / 1000 + 50);
}

function started(listen: RadioListen, options: Parameters<typeof createSx1262Rig>[0] = {}): Sx1262Rig {
  const rig = createSx1262Rig(options);
  rig.start(listen);
  expect(rig.diagnostics).toEqual([]);
  return rig;
}

describe("SX1262 driver + chip model: every wireless corpus telegram", () => {
  it("corpus holds T1, C1-A, C1-B and S1 frames, some longer than the 255-byte chip buffer", () => {
    expect(corpus.telegrams).toBeGreaterThan(200);
    const long = corpus.frames.filter((f) => fifoLength(f.mode, f.format, f.frame[0]) > 255);
    expect(long.length).toBeGreaterThan(0);
    expect(new Set(long.map((f) => f.variant)).size).toBeGreaterThanOrEqual(2);
  });

  it("T1 + C1 (frame A and B) on one channel: 100 % bit-exact at zero noise, long frames included", () => {
    const frames = corpus.frames.filter((f) => TC_VARIANTS.includes(f.variant));
    const rig = started("TC");
    sendAll(rig, frames, (i) => -60 - (i % 40));
    expect(rig.frames.map((f) => toHex(f.bytes))).toEqual(frames.map((f) => toHex(f.frame)));
    expect(rig.frames.map((f) => f.mode + f.format)).toEqual(frames.map((f) => f.mode + f.format));
    expect(rig.frames.map((f) => f.rssiDbm)).toEqual(frames.map((_, i) => -60 - (i % 40)));
    const s = rig.radio.stats;
    expect(s.framesDelivered).toBe(frames.length);
    expect(s.crcErrors + s.codingErrors + s.lengthErrors + s.syncErrors + s.overflows + s.resets).toBe(0);
    expect(rig.chip.protocolErrors).toEqual([]);
    expect(rig.diagnostics).toEqual([]);
  });

  it("S1 on the S channel: 100 % bit-exact, long frames included", () => {
    const frames = corpus.frames.filter((f) => f.variant === "S1");
    const rig = started("S");
    sendAll(rig, frames);
    expect(rig.frames.map((f) => toHex(f.bytes))).toEqual(frames.map((f) => toHex(f.frame)));
    expect(rig.frames.every((f) => f.mode === "S" && f.format === "A")).toBe(true);
    expect(rig.chip.protocolErrors).toEqual([]);
  });

  it("an interrupt served 2 ms late (a busy XS thread) still yields every frame, long ones included", () => {
    const frames = corpus.frames.filter((f, i) => f.variant !== "S1" && (i % 3 === 0 || fifoLength(f.mode, f.format, f.frame[0]) > 255));
    const rig = started("TC", { interruptLatencyUs: 2_000 });
    sendAll(rig, frames);
    expect(rig.frames.map((f) => toHex(f.bytes))).toEqual(frames.map((f) => toHex(f.frame)));
    expect(rig.diagnostics).toEqual([]);
  });

  it("a channel hears only its own modes: S1 frames on the T+C channel and T1/C1 on S give nothing", () => {
    const sample = corpus.frames.filter((_, i) => i % 37 === 0);
    const tc = started("TC");
    sendAll(tc, sample.filter((f) => f.variant === "S1"));
    const s = started("S");
    sendAll(s, sample.filter((f) => f.variant !== "S1"));
    expect(tc.frames.length + s.frames.length).toBe(0);
    expect(tc.air.stats.syncs + s.air.stats.syncs).toBe(0);
  });
});

describe("SX1262 under noise and collisions", () => {
  it.each(["TC", "S"] as const)("BER 1e-4 on %s: no corrupted frame is delivered; rejected frames are counted", (listen) => {
    const frames = corpus.frames.filter((f) => (f.variant === "S1") === (listen === "S"));
    const rig = started(listen, { ber: 1e-4, seed: 7 });
    sendAll(rig, frames);
    const sent = new Set(frames.map((f) => toHex(f.frame)));
    for (const f of rig.frames) expect(sent.has(toHex(f.bytes))).toBe(true);
    const s = rig.radio.stats;
    const rejected = s.crcErrors + s.codingErrors + s.lengthErrors + s.syncErrors;
    expect(rig.air.stats.bitErrors).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
    // Every frame synced is either delivered intact or counted as rejected.
    expect(s.framesDelivered + rejected).toBe(rig.air.stats.syncs);
    expect(s.framesDelivered).toBeGreaterThan(frames.length * 0.7);
    expect(rig.chip.protocolErrors).toEqual([]);
  });

  it("overlapping transmissions: collisions counted by the air, corrupted frames counted and not delivered", () => {
    const frames = corpus.frames.filter((f) => f.variant === "C1-A" || f.variant === "T1").slice(0, 160);
    const rig = started("TC");
    let at = rig.scheduler.now + 1_000;
    const captured: string[] = [];
    for (let i = 0, pair = 0; i + 1 < frames.length; i += 2, pair++) {
      // Alternate which mode comes first; the second starts a third into the first. The first 60 pairs
      // collide within the 6 dB capture margin (2 dB apart); the last 20 have the second 10 dB weaker.
      const [x, y] = pair % 2 ? [frames[i + 1], frames[i]] : [frames[i], frames[i + 1]];
      const weak = pair >= 60;
      const a = rig.air.transmit({ mode: x.mode, format: "A", frame: x.frame, rssiDbm: -70, at });
      const b = rig.air.transmit({ mode: y.mode, format: "A", frame: y.frame, rssiDbm: weak ? -80 : -72, at: at + (a.end - a.start) / 3 });
      if (weak) captured.push(toHex(x.frame));
      at = Math.max(a.end, b.end) + 2_000;
    }
    rig.run((at - rig.scheduler.now) / 1000 + 50);
    const s = rig.radio.stats;
    expect(rig.air.stats.collisions).toBe(frames.length / 2);
    // Only the stronger frames of the capture pairs come through, intact.
    expect(rig.frames.map((f) => toHex(f.bytes))).toEqual(captured);
    expect(s.crcErrors).toBeGreaterThan(0);
    expect(s.codingErrors).toBeGreaterThan(0);
    expect(s.framesDelivered + s.crcErrors + s.codingErrors + s.lengthErrors + s.syncErrors).toBe(rig.air.stats.syncs);
    expect(rig.chip.protocolErrors).toEqual([]);
  });
});

describe("SX1262 watchdog", () => {
  for (const fault of ["stuckBusy", "garbageSpi", "frozen", "pllUnlock"] as const) {
    it(`${fault}: re-initialised within 1 s of simulated time, then receives again`, () => {
      const rig = started("TC");
      rig.run(100);
      const injectedAt = rig.scheduler.now;
      rig.chip.inject(fault);
      let recoveredAt = -1;
      for (let ms = 0; ms < 2_000 && recoveredAt < 0; ms += 5) {
        rig.run(5);
        if (!rig.chip.faulty && rig.chip.deafness() === "") recoveredAt = rig.scheduler.now;
      }
      expect(recoveredAt).toBeGreaterThan(0);
      expect((recoveredAt - injectedAt) / 1000).toBeLessThanOrEqual(1_000);
      expect(rig.radio.stats.watchdogRecoveries).toBeGreaterThanOrEqual(1);
      expect(rig.radio.stats.resets).toBeGreaterThanOrEqual(1);
      expect(rig.diagnostics.join("\n")).toMatch(/re-initialising/);
      const f = corpus.frames.find((x) => x.variant === "C1-B")!;
      sendAll(rig, [f]);
      expect(rig.frames.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
    });
  }
});
