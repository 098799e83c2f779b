/**
 * SX1262 driver with `bufferService` backed by the real C service (wmbus_radio_sx1262.c via
 * host-tests/native/sx1262-task-sim.ts, the host stand-in of the ESP32 task): the driver configures the chip and
 * hands it over, the C serves DIO1, reads the ring, programs 0x06BB and queues intact frames; the driver's
 * watchdog pauses the task around its SPI use and tells it when it re-armed. Simulated time throughout.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RadioIoClasses } from "../../firmware/radio/create-radio.js";
import { radioOptionsForBoard } from "../rigs/board-provider.js";
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import type { QueuedFrame } from "../../firmware/radio/radio-service.js";
import { SX1262 } from "../../firmware/radio/sx1262/sx1262.js";
import { toHex } from "../../firmware/util/hex.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { SimSx1262Task } from "../native/sx1262-task-sim.js";
import { Air } from "../sim/air.js";
import { lcg, randomFrame, type FrameKind } from "../sim/random-frames.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio } from "../rigs/sim-radio.js";
import type { Sx1262Sim } from "../sim/sx1262/chip.js";
import { stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import type { PassCounter } from "../../firmware/vocabulary.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";


interface Setup {
  scheduler: Scheduler;
  air: Air;
  chip: Sx1262Sim;
  task: SimSx1262Task;
  radio: SX1262;
  taken: QueuedFrame[];
  driverFrames: RadioFrame[];
  diagnostics: string[];
  openPins: () => number;
}

const live: SimSx1262Task[] = [];
afterEach(() => {
  for (const t of live.splice(0)) t.dispose();
});

function setup(listen: RadioListen): Setup {
  const scheduler = new Scheduler();
  const air = new Air(scheduler);
  const sim = createSimRadio({ chip: "sx1262", air, scheduler, listen: null, onFrame: () => undefined });
  sim.radio.close();
  const p = sim.description.pins;
  const taken: QueuedFrame[] = [];
  const task: SimSx1262Task = new SimSx1262Task({
    board: sim.board, spiPort: sim.description.radio.spiPort, select: p.radioSelect, busy: p.radioBusy, dio1: p.radioDio1,
    // the device posts one message to XS, whose callback drains the C queue
    onFrames: () => sim.board.scheduler.after(50, () => {
      for (let f = task.take(); f; f = task.take()) taken.push(f);
    }),
  });
  live.push(task);
  const driverFrames: RadioFrame[] = [], diagnostics: string[] = [];
  const io = { SPI: sim.board.SPI, Digital: sim.board.Digital } as unknown as RadioIoClasses;
  const options = radioOptionsForBoard(sim.description, io, { timers: sim.timers, onFrame: (f) => driverFrames.push(f), onDiagnostic: (m) => diagnostics.push(m) });
  const radio = new SX1262({ ...options, bufferService: task });
  scheduler.at(scheduler.now, () => radio.start(listen));
  scheduler.advance(20_000);
  return { scheduler, air, chip: sim.chip as Sx1262Sim, task, radio, taken, driverFrames, diagnostics, openPins: () => sim.board.openPins };
}

/** Airs `count` random frames of `kinds`, `gapMs` apart; returns them in order as the task queues them: without CRCs. */
function airFrames(s: Setup, seed: number, kinds: readonly FrameKind[], count: number, gapMs: number, minLong = count / 10): Uint8Array[] {
  const rnd = lcg(seed);
  const collisions = s.air.stats.collisions;
  const sent: Uint8Array[] = [];
  let long = 0;
  for (let i = 0; i < count; i++) {
    const f = randomFrame(rnd, kinds[i % kinds.length]);
    if (fifoBytes(f.mode, f.format, f.frame).length > 255) long++;
    s.air.transmit({ ...f, rssiDbm: -60 - rnd(30), at: s.scheduler.now + 1000 + i * gapMs * 1000 });
    sent.push(withoutCrcs(f.format, f.frame));
  }
  expect(long).toBeGreaterThanOrEqual(minLong); // frames that need the 0x06BB count − 1 / mod-256 updates
  expect(s.air.stats.collisions).toBe(collisions); // clean air: every frame must arrive
  s.scheduler.advance((count * gapMs + 100) * 1000);
  return sent;
}

/** The frame as the radio checks and strips it (firmware/link/frame-format.ts). */
function withoutCrcs(format: string, frame: Uint8Array): Uint8Array {
  const s = format === "B" ? stripFrameB(frame) : stripFrameA(frame);
  if (s === null) throw new Error("a generated frame failed its own CRCs");
  return s;
}

describe("SX1262 with the native buffer service (C service on the simulated chip)", () => {
  it("hands the configured chip over; the C receives every frame of every mode, the driver reads none", () => {
    const s = setup("TC");
    expect(s.task.calls[0]).toBe("start TC");
    const sent = airFrames(s, 7, ["T", "CA", "CB"], 90, 45);
    expect(s.taken.map((f) => toHex(f.bytes))).toEqual(sent.map((b) => toHex(b)));
    expect(s.taken.every((f) => f.rssiDbm <= -60 && f.rssiDbm >= -90)).toBe(true);
    expect(s.taken.every((f) => f.crcChecked === true)).toBe(true); // stripped once, by the task (strip once)
    expect(s.taken.filter((f) => f.format === "B").length).toBe(30);
    expect(s.driverFrames.length).toBe(0); // the driver's onFrame is not the path any more …
    expect(s.radio.stats.framesDelivered).toBe(0); // … and it served no IRQ itself
    // as firmware/main.ts hands them on: the gateway takes the task's stripped frames and strips none again
    const counter: PassCounter = { crcStrips: 0, chainWalks: 0 };
    const gateway = new Gateway({ config: parseConfig({ gatewayId: "g" }).config, clock: { now: () => 0 }, cipher: nodeCipher(), hub: new MemoryHub(), counter });
    const verdicts = s.taken.map((q) => gateway.handleFrame({ bytes: q.bytes, stripped: q.crcChecked ? q.bytes : undefined, mode: q.mode, format: q.format, rssiDbm: q.rssiDbm, receivedAt: q.time }));
    expect(verdicts).not.toContain("bad_frame");
    expect(counter.crcStrips).toBe(0);
    const st = s.task.stats();
    expect(st.frames).toBe(90);
    expect(st.syncs).toBe(90);
    expect(st.crcErrors + st.lengthErrors + st.overflows + st.queueDrops).toBe(0);

    // a new channel: the service is closed and started again on it
    s.scheduler.at(s.scheduler.now, () => s.radio.start("S"));
    s.scheduler.advance(20_000);
    expect(s.task.calls.slice(-2)).toEqual(["close", "start S"]);
    const sentS = airFrames(s, 8, ["S"], 30, 160);
    expect(s.taken.slice(90).map((f) => toHex(f.bytes))).toEqual(sentS.map((b) => toHex(b)));
    expect(s.taken.slice(90).every((f) => f.mode === "S")).toBe(true);
    expect(s.diagnostics).toEqual([]);
    s.radio.close();
    expect(s.task.calls.at(-1)).toBe("close");
    expect(s.openPins()).toBe(0);
  });

  it("pauses the task around every watchdog run; after a re-initialisation the task re-arms and frames flow again", () => {
    const s = setup("TC");
    airFrames(s, 9, ["T", "CA"], 20, 45);
    expect(s.taken.length).toBe(20);
    s.chip.inject("frozen"); // answers nothing until NRESET: the watchdog re-initialises
    s.scheduler.advance(600_000);
    expect(s.radio.stats.watchdogRecoveries).toBeGreaterThanOrEqual(1);
    const pauses = s.task.calls.slice(1);
    expect(pauses.length).toBeGreaterThanOrEqual(2 * 5); // one pair per watchdog run (250 ms)
    for (let i = 0; i < pauses.length; i += 2) {
      expect(pauses[i]).toBe("pause true false");
      expect(pauses[i + 1]).toMatch(/^pause false (true|false)$/);
    }
    expect(pauses).toContain("pause false true"); // the re-initialisation: the C re-arms
    expect(pauses.at(-1)).toBe("pause false false"); // a healthy chip in RX is left alone
    const sent = airFrames(s, 10, ["T", "CA", "CB"], 30, 45);
    expect(s.taken.slice(20).map((f) => toHex(f.bytes))).toEqual(sent.map((b) => toHex(b)));
    expect(s.radio.sx1262Stats.deafResets).toBe(0); // the syncs the task saw reach the deafness check
  });

  it("a task held off longer than the ring lasts abandons the frame (overflow counted) and receives the next", () => {
    const s = setup("TC");
    const rnd = lcg(12);
    let f = randomFrame(rnd, "T");
    while (fifoBytes(f.mode, f.format, f.frame).length < 400) f = randomFrame(rnd, "T");
    const g = randomFrame(rnd, "CA");
    const first = s.air.transmit({ ...f, rssiDbm: -60, at: s.scheduler.now + 1000 });
    s.air.transmit({ ...g, rssiDbm: -60, at: first.end + 5000 });
    s.scheduler.at(first.start + 10_000, () => s.task.stall(25_000), "chip"); // > 250 byte times (20 ms)
    s.scheduler.advance(first.end - s.scheduler.now + 40_000);
    const st = s.task.stats();
    expect(st.overflows).toBe(1);
    expect(s.taken.map((q) => toHex(q.bytes))).toEqual([toHex(withoutCrcs(g.format, g.frame))]);
  });

  it("a DIO1 the task never serves is found high at two watchdog runs and cleared by a re-initialisation", () => {
    const s = setup("TC");
    s.task.close(); // the task stops serving (as a task that died); the driver still thinks it runs
    airFrames(s, 11, ["CA"], 3, 30, 0);
    s.scheduler.advance(600_000);
    expect(s.radio.sx1262Stats.dio1LeftToService).toBeGreaterThanOrEqual(2);
    expect(s.diagnostics.some((d) => d.includes("DIO1 stays high"))).toBe(true);
    expect(s.taken.length).toBe(0);
  });
});
