/**
 * SX1262 datasheet-level races (DS_SX1261-2 §13.3 IRQ handling, §8 BUSY, §13.4.6.2 preamble detection) and
 * the watchdog's deafness check, on the chip model with the real driver. Times are simulated.
 */
import { describe, expect, it } from "vitest";
import { RSSI_UNKNOWN_DBM } from "../../firmware/radio/sx1262/sx1262.js";
import { toHex } from "../../firmware/util/hex.js";
import { CHIP_RATE, findSync, type AirSignal } from "../sim/air.js";
import { type CodedFrame, wirelessCorpusFrames } from "../sim/corpus-frames.js";
import { Sx1262Sim } from "../sim/sx1262/chip.js";
import { CHIP_MODE, IRQ, OP } from "../sim/sx1262/datasheet.js";
import { createSx1262Rig, type Sx1262Rig } from "../rigs/sx1262-rig.js";

const corpus = wirelessCorpusFrames();
const short = (variant: string) => corpus.frames.filter((f) => f.variant === variant && f.frame.length < 60);

function started(options: Parameters<typeof createSx1262Rig>[0] = {}): Sx1262Rig {
  const rig = createSx1262Rig(options);
  rig.start("TC");
  rig.run(20);
  expect(rig.diagnostics).toEqual([]);
  return rig;
}

function send(rig: Sx1262Rig, f: CodedFrame, at: number, rssiDbm = -70): AirSignal {
  return rig.air.transmit({ mode: f.mode, format: f.format, frame: f.frame, rssiDbm, at });
}

/** µs from a signal's start to the end of its sync word (`word`: the chip's, default as tuned now). */
function syncEndUs(rig: Sx1262Rig, s: AirSignal, word = rig.chip.tuning()!.syncWord): number {
  return findSync(s, word, 16, 0) * s.chipUs;
}

describe("SX1262 IRQ races", () => {
  it("RxDone inside the GetIrqStatus → ClearIrqStatus window: served in the same callback, RSSI loss counted", () => {
    // An interrupt served so late that the packet engine, still at its 255-byte default length, ends the
    // packet (RxDone) while the driver's GetIrqStatus (which read SyncWordValid only) holds BUSY.
    const f = short("C1-A")[0];
    const byteUs = (8 * 1e6) / CHIP_RATE[f.mode];
    const latencyUs = 255 * byteUs - 1; // edge at the sync word's end, RxDone 255 bytes later
    const rig = started({ interruptLatencyUs: latencyUs });
    const irqAfterGet: number[] = [];
    rig.chip.afterCommand = (op) => {
      if (op === OP.GET_IRQ_STATUS) rig.scheduler.at(rig.scheduler.now + 1.5, () => irqAfterGet.push(rig.chip.irqStatus), "chip");
    };
    const s = send(rig, f, rig.scheduler.now + 1_000);
    rig.run((s.start - rig.scheduler.now + syncEndUs(rig, s) + latencyUs) / 1000 + 20);
    // the race happened: RxDone was set inside the window of the first GetIrqStatus
    expect(irqAfterGet[0] & IRQ.RX_DONE).toBe(IRQ.RX_DONE);
    expect(rig.frames.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
    expect(rig.radio.sx1262Stats.irqRepeats).toBe(1);
    expect(rig.radio.sx1262Stats.rssiLost).toBe(1);
    expect(rig.frames[0].rssiDbm).toBe(RSSI_UNKNOWN_DBM); // not 0 dBm read from a chip already out of RX
    expect(rig.board.pin(rig.dio1Gpio).level).toBe(0);
    // and the receiver goes on: the next frame arrives normally
    const g = short("T1")[0];
    const s2 = send(rig, g, rig.scheduler.now + 1_000, -80);
    rig.run((s2.end - rig.scheduler.now + latencyUs) / 1000 + 20);
    expect(rig.frames.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame), toHex(g.frame)]);
    expect(rig.radio.stats.watchdogRecoveries).toBe(0);
  });

  it("an interrupt callback held up longer than the watchdog period: the watchdog serves the high DIO1", () => {
    const rig = started({ interruptLatencyUs: 400_000 }); // e.g. the XS thread blocked for 0.4 s
    const f = short("C1-B")[0];
    send(rig, f, rig.scheduler.now + 1_000);
    rig.run(300);
    expect(rig.radio.sx1262Stats.dio1AtWatchdog).toBe(1);
    expect(rig.frames.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
    expect(rig.board.pin(rig.dio1Gpio).level).toBe(0);
    expect(rig.radio.stats.watchdogRecoveries).toBe(0);
    expect(rig.chip.protocolErrors).toEqual([]);
  });

  it("back-to-back frames with no gap: RX is re-armed within the next preamble, every frame received", () => {
    const rig = started();
    const frames = [...short("T1").slice(0, 6), ...short("C1-A").slice(0, 6), ...short("C1-B").slice(0, 6)];
    let at = rig.scheduler.now + 1_000;
    for (const f of frames) at = send(rig, f, at).end;
    rig.run((at - rig.scheduler.now) / 1000 + 10);
    expect(rig.frames.map((x) => toHex(x.bytes))).toEqual(frames.map((f) => toHex(f.frame)));
    expect(rig.chip.lateForSync).toBe(0);
  });

  it("a chip that enters RX during a preamble catches the frame only if it heard the preamble detector's length", () => {
    const rig = started();
    const word = rig.chip.tuning()!.syncWord;
    rig.radio.close(); // the host goes away; the chip stays configured
    const f = short("T1")[0];
    for (const tooLate of [false, true]) {
      const syncs = rig.air.stats.syncs, late = rig.chip.lateForSync;
      const s = send(rig, f, rig.scheduler.now + 1_000);
      const sync = syncEndUs(rig, s, word);
      // out of RX before the frame, SetRx (80 µs to RX from STDBY_XOSC) 50 µs into the preamble, or so late
      // that only 10 chips of listening remain before the sync word ends
      const setRxAt = tooLate ? s.start + sync - 90 : s.start + 50;
      rig.scheduler.at(s.start - 200, () => rig.chip.endRx(CHIP_MODE.STBY_XOSC), "chip");
      rig.scheduler.at(setRxAt, () => Sx1262Sim.setRx(rig.chip, Uint8Array.of(0, 0, 0)), "chip");
      rig.run((s.end - rig.scheduler.now) / 1000 + 2);
      expect(rig.air.stats.syncs - syncs).toBe(tooLate ? 0 : 1);
      expect(rig.chip.lateForSync - late).toBe(tooLate ? 1 : 0);
    }
  });
});

describe("SX1262 deafness", () => {
  const traffic = (rig: Sx1262Rig, seconds: number) => {
    const f = short("C1-A");
    for (let i = 0; i < seconds * 40; i++) send(rig, f[i % f.length], rig.scheduler.now + 1_000 + i * 25_000, -70);
    rig.run(seconds * 1000 + 10);
  };

  it("a chip that looks healthy but hears no sync word on a busy channel is re-initialised", () => {
    const rig = started();
    rig.chip.inject("deaf");
    traffic(rig, 125);
    expect(rig.radio.sx1262Stats.deafResets).toBe(1);
    expect(rig.radio.stats.watchdogRecoveries).toBe(1);
    expect(rig.diagnostics.join("\n")).toMatch(/no sync word for 120 s while the channel was busy/);
    // frames only after the re-initialisation, then normally again
    expect(rig.frames.length).toBeGreaterThan(50);
    expect(Math.min(...rig.frames.map((x) => x.receivedAt))).toBeGreaterThan(120_000);
  });

  it("a quiet channel is not taken for deafness", () => {
    const rig = started();
    rig.chip.inject("deaf");
    rig.run(200_000);
    expect(rig.radio.sx1262Stats.deafResets).toBe(0);
    expect(rig.radio.stats.watchdogRecoveries).toBe(0);
  });
});
