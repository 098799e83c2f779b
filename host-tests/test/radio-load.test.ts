/**
 * Radio service under load: the simulated JS thread (host-tests/sim/load-thread.ts), the RadioService
 * (firmware/radio/radio-service.ts) and short deterministic channel-load runs (host-tests/rigs/load.ts):
 * 0 frames lost by the gateway at 100 % occupancy with the native service, and losses attributed to the air
 * or the gateway correctly.
 */
import { describe, expect, it } from "vitest";
import { CC1101, type Cc1101FifoService } from "../../firmware/radio/cc1101/cc1101.js";
import { REG } from "../../firmware/radio/cc1101/cc1101-registers.js";
import { settingsImage } from "../../firmware/radio/cc1101/cc1101-settings.js";
import type { RadioIoClasses } from "../../firmware/radio/create-radio.js";
import { radioOptionsForBoard } from "../rigs/board-provider.js";
import { RadioService, type QueuedFrame } from "../../firmware/radio/radio-service.js";
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import { Air } from "../sim/air.js";
import type { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { lcg, randomFrame } from "../sim/random-frames.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio } from "../rigs/sim-radio.js";
import { runLoad, type LoadResult } from "../rigs/load.js";
import { ThreadedScheduler } from "../sim/load-thread.js";

function accounted(r: LoadResult): void {
  // every transmission is in exactly one bucket
  expect(r.decoded + r.lostOnAir + r.lostByGateway).toBe(r.sent);
  expect(r.lostOnAir).toBeLessThanOrEqual(r.collided + r.missedBehindCollision);
  const g = r.gatewayLosses;
  expect(g.notInRx + g.held + g.dropped).toBe(r.lostByGateway);
  expect(r.decoded).toBeLessThanOrEqual(r.deliveredByRadio);
}

describe("simulated JS thread", () => {
  it("holds interrupts and timers while a job runs, then runs them in arrival order", () => {
    const s = new ThreadedScheduler();
    s.service = "js";
    s.costs = { handlerUs: 10, spiByteUs: 0 };
    const log: string[] = [];
    s.post(() => (log.push(`decode@${s.now}`), 1000));
    s.at(300, () => log.push(`irq-a@${s.now}`));
    s.at(200, () => log.push(`irq-b@${s.now}`));
    const cancelled = s.at(400, () => log.push("never"));
    s.cancel(cancelled);
    s.at(2000, () => log.push(`idle@${s.now}`));
    s.advance(3000);
    expect(log).toEqual(["decode@0", "irq-b@1000", "irq-a@1010", "idle@2000"]);
    expect(s.threadStats.jobs).toBe(4);
    expect(s.threadStats.busyUs).toBe(1030);
    expect(s.threadStats.maxWaitUs).toBe(800);
  });

  it("runs host events on time with the native service; only posted jobs use the thread", () => {
    const s = new ThreadedScheduler();
    s.service = "native";
    const log: string[] = [];
    s.post(() => (log.push(`decode@${s.now}`), 1000));
    s.at(300, () => log.push(`task@${s.now}`));
    s.post(() => (log.push(`decode@${s.now}`), 1000), 500);
    s.advance(3000);
    expect(log).toEqual(["decode@0", "task@300", "decode@1000"]);
  });
});

describe("RadioService", () => {
  const frame = (n: number): RadioFrame => ({ bytes: Uint8Array.of(n, 1, 2), mode: "C", format: "B", rssiDbm: -70.5, receivedAt: n });

  it("decodes one frame per posted turn, in order, and counts decoder exceptions", () => {
    const turns: (() => void)[] = [];
    const got: QueuedFrame[] = [];
    const svc = new RadioService({
      slots: 2,
      post: (t) => turns.push(t),
      decode: (f) => {
        if (f.bytes[0] === 2) throw new Error("bad");
        got.push(f);
      },
    });
    for (const n of [1, 2, 3]) svc.frameSink(frame(n));
    expect(turns.length).toBe(1); // one turn pending, not one per frame
    expect(svc.queue.stats.overflows).toBe(1); // frame 3: both slots taken, counted
    while (turns.length) turns.shift()!();
    expect(got.map((f) => [f.bytes[0], f.mode, f.format, f.rssiDbm, f.time])).toEqual([[1, "C", "B", -70.5, 1]]);
    expect(svc.stats).toEqual({ turns: 2, decoded: 1, decodeErrors: 1 });
  });
});

describe("channel load (simulator)", () => {
  for (const chip of ["cc1101", "sx1262"] as const) {
    it(`${chip}, native service: 0 frames lost by the gateway at 100 % load`, () => {
      const r = runLoad({ chip, service: "native", load: 1, durationMs: 1500, seed: 3 });
      accounted(r);
      expect(r.occupancy).toBeGreaterThan(0.8);
      expect(r.collided).toBeGreaterThan(r.sent / 2); // Poisson at G = 1: most frames overlap
      expect(r.lostOnAir).toBeGreaterThan(0);
      expect(r.decoded).toBeGreaterThan(20);
      expect(r.lostByGateway).toBe(0);
      expect(r.fifoOverflows + r.queueOverflows).toBe(0);
    });
  }

  it("sx1262, native service: 0 lost by the gateway at 25 and 50 % — the old IRQ-race reproducer delivers to the end", () => {
    for (const load of [0.25, 0.5]) {
      const r = runLoad({ chip: "sx1262", service: "native", load, durationMs: 3000, seed: 1 });
      accounted(r);
      expect(r.decoded).toBeGreaterThan(50);
      expect(r.lostByGateway).toBe(0); // a receiver that stopped would lose every clean frame after that
    }
  });

  it("sx1262 back-to-back at 100 %: the radio hands over every frame (RX re-armed within the next preamble)", () => {
    const r = runLoad({ chip: "sx1262", service: "native", load: 1, traffic: "back-to-back", durationMs: 600, seed: 5 });
    accounted(r);
    expect(r.collided).toBe(0);
    expect(r.deliveredByRadio).toBe(r.sent);
    expect(r.lostByGateway).toBe(r.queueOverflows); // only the decoder's queue may drop
  });

  it("back-to-back traffic has no air losses, so every loss is the gateway's", () => {
    const r = runLoad({ chip: "cc1101", service: "native", load: 1, traffic: "back-to-back", durationMs: 600, seed: 5 });
    accounted(r);
    expect(r.collided).toBe(0);
    expect(r.lostOnAir).toBe(0);
    expect(r.decoded).toBe(r.sent);
  });

  it("the JS service with a slow decoder loses frames to FIFO overflows and books them on the gateway", () => {
    const o = { chip: "cc1101" as const, load: 0.5, traffic: "back-to-back" as const, durationMs: 1500, seed: 9, computrons: () => 60_000 };
    const js = runLoad({ ...o, service: "js" });
    accounted(js);
    expect(js.lostOnAir).toBe(0);
    expect(js.fifoOverflows).toBeGreaterThan(0);
    expect(js.lostByGateway).toBeGreaterThan(0);
    expect(js.gatewayLosses.dropped).toBeGreaterThan(0);
    const native = runLoad({ ...o, service: "native" });
    expect(native.sent).toBe(js.sent); // same meters, same air
    expect(native.lostByGateway).toBe(0);
    expect(native.queueHighWater).toBeGreaterThan(1); // the queue absorbed the decoder's backlog
  });

  it("the CC1101 calibrating on every IDLE→RX misses frames that follow right after another", () => {
    const r = runLoad({ chip: "cc1101", service: "native", load: 1, traffic: "back-to-back", durationMs: 600, seed: 5, cc1101CalibrateEveryMs: 0 });
    accounted(r);
    expect(r.lostOnAir).toBe(0);
    expect(r.gatewayLosses.notInRx).toBeGreaterThan(r.sent / 4);
  });

  it("rejects impossible loads", () => {
    expect(() => runLoad({ chip: "cc1101", service: "native", load: 0, durationMs: 10 })).toThrow(/load 0/);
  });
});

describe("CC1101 calibration default", () => {
  it("calibrates manually (FS_AUTOCAL = 0) once a minute by default; 0 = on every IDLE→RX", () => {
    for (const every of [undefined, 0]) {
      const scheduler = new Scheduler();
      const sim = createSimRadio({ chip: "cc1101", air: new Air(scheduler), scheduler, listen: null, onFrame: () => undefined });
      sim.radio.close();
      const io = { SPI: sim.board.SPI, Digital: sim.board.Digital } as unknown as RadioIoClasses;
      const radio = new CC1101({ ...radioOptionsForBoard(sim.description, io, { timers: sim.timers, onFrame: () => undefined }), calibrateEveryMs: every });
      scheduler.at(scheduler.now, () => radio.start("TC"));
      scheduler.advance(125_000_000); // 125 s
      const chip = sim.chip as Cc1101Sim;
      expect((chip.regs[REG.MCSM0] >> 4) & 3).toBe(every === 0 ? 1 : 0);
      expect(radio.cc1101Stats.calibrations).toBe(every === 0 ? 0 : 2);
      expect(radio.stats.watchdogRecoveries).toBe(0);
      radio.close();
    }
  });
});

describe("CC1101 hook for the native radio task (fifoService)", () => {
  it("configures the chip, hands it over, keeps its hands off the FIFO and pauses the task around the watchdog", () => {
    const scheduler = new Scheduler();
    const air = new Air(scheduler);
    const frames: RadioFrame[] = [];
    const sim = createSimRadio({ chip: "cc1101", air, scheduler, listen: null, onFrame: (f) => frames.push(f) });
    sim.radio.close();
    const calls: string[] = [];
    const task: Cc1101FifoService = {
      start: (listen: RadioListen, pktctrl0: number, fifothr: number) => calls.push(`start ${listen} ${pktctrl0} ${fifothr}`),
      pause: (paused: boolean, rearmed: boolean) => calls.push(`pause ${paused} ${rearmed}`),
      receiving: () => false,
      close: () => calls.push("close"),
    };
    const io = { SPI: sim.board.SPI, Digital: sim.board.Digital } as unknown as RadioIoClasses;
    const radio = new CC1101({ ...radioOptionsForBoard(sim.description, io, { timers: sim.timers, onFrame: (f) => frames.push(f) }), fifoService: task });
    scheduler.at(scheduler.now, () => radio.start("TC"));
    scheduler.advance(2000);
    const image = settingsImage("TC", sim.description.radio.xtalHz ?? 26_000_000);
    expect(calls).toEqual([`start TC ${image[REG.PKTCTRL0]} ${image[REG.FIFOTHR]}`]);
    const rnd = lcg(4);
    for (let i = 0; i < 5; i++) air.transmit({ ...randomFrame(rnd, "CA"), rssiDbm: -60, at: scheduler.now + 1000 + i * 40_000 });
    scheduler.advance(600_000);
    // the fake task services nothing: the chip takes the first frame, its FIFO overflows, and only the
    // watchdog (paused task) notices and re-arms, telling the task that its frame is gone
    expect(air.stats.syncs).toBeGreaterThanOrEqual(1);
    expect(frames.length).toBe(0); // the driver read no FIFO byte …
    expect(radio.cc1101Stats.services).toBe(0); // … and ran no interrupt service
    expect(radio.stats.overflows).toBeGreaterThanOrEqual(1);
    const pauses = calls.slice(1);
    expect(pauses.length).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < pauses.length; i += 2) {
      expect(pauses[i]).toBe("pause true false");
      expect(pauses[i + 1]).toMatch(/^pause false (true|false)$/);
    }
    expect(pauses).toContain("pause false true"); // after the overflow re-arm
    expect(pauses.at(-1)).toBe("pause false false"); // a healthy chip in RX is left alone
    // another channel: the running service is closed before the chip is set up again, then started on it
    scheduler.at(scheduler.now, () => radio.start("S"));
    scheduler.advance(2000);
    const imageS = settingsImage("S", sim.description.radio.xtalHz ?? 26_000_000);
    expect(calls.slice(-2)).toEqual(["close", `start S ${imageS[REG.PKTCTRL0]} ${imageS[REG.FIFOTHR]}`]);
    radio.close();
    expect(calls.at(-1)).toBe("close");
    expect(sim.board.openPins).toBe(0);
  });
});
