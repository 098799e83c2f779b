/**
 * Issue 16, fixes 1–6: settings and behaviour checked against the datasheets and field-proven receivers
 * (docs/radio.md), through the chip models whose facts come from their own datasheet tables
 * (host-tests/sim/cc1101/datasheet.ts, host-tests/sim/sx1262/datasheet.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";
import { CC1101, type Cc1101FifoService } from "../../firmware/radio/cc1101/cc1101.js";
import { Cc1101Bus } from "../../firmware/radio/cc1101/cc1101-bus.js";
import { Sx1262Bus } from "../../firmware/radio/sx1262/sx1262-bus.js";
import { settingsImage } from "../../firmware/radio/cc1101/cc1101-settings.js";
import type { RadioIoClasses } from "../../firmware/radio/create-radio.js";
import { radioOptionsForBoard } from "../rigs/board-provider.js";
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import { Air } from "../sim/air.js";
import { CLOCK_DIVIDERS, GDO_CLOCK_FIRST, LENGTH_CONFIG, MARCSTATE, R, RESET_VALUES, deviationHz } from "../sim/cc1101/datasheet.js";
import type { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { CHIP_MODE, DEVICE_ERROR, OP } from "../sim/sx1262/datasheet.js";
import { createSx1262Rig } from "../rigs/sx1262-rig.js";
import { lcg, randomFrame } from "../sim/random-frames.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio, loadBoard } from "../rigs/sim-radio.js";
import { hex, rig, type Sent } from "./radio-cc1101-helpers.js";

/** A frame with DLL CRCs whose L-field is `l` (random body, fixed seed). */
function frameWithL(mode: PhyMode, format: FrameFormat, l: number, seed = 7): Sent {
  const rnd = lcg(seed + l);
  const body = new Uint8Array(l + 1);
  for (let i = 1; i < body.length; i++) body[i] = rnd(256);
  body[0] = l;
  return { mode, format, frame: format === "A" ? addFrameACrc(body) : addFrameBCrc(body) };
}

const XTAL = 26_000_000;

describe("fix 1: CC1101 DEVIATN is the receive value 0x44 (TI AN067 / culfw / ESPHome), not the transmit value 0x50", () => {
  it("the T+C image expects ±38.1 kHz; S keeps 0x47", () => {
    expect(settingsImage("TC")[R.DEVIATN]).toBe(0x44);
    expect(deviationHz(0x44, XTAL)).toBeCloseTo(38_085, -1);
    expect(settingsImage("S")[R.DEVIATN]).toBe(0x47);
  });

  it("through the driver: T1, C1-A and C1-B at their nominal deviations all arrive (model: DEVIATN ≤ the meter's)", () => {
    const r = rig("TC");
    const sent = [frameWithL("T", "A", 40), frameWithL("C", "A", 40), frameWithL("C", "B", 40), frameWithL("C", "A", 120), frameWithL("T", "A", 200)];
    r.send(sent);
    expect(r.frames.map((f) => hex(f.bytes))).toEqual(sent.map((s) => hex(s.frame)));
  });

  it("in the model, 0x50 (or S's 0x47 raised by the same 4/3) loses frames; 0x44 / 0x47 do not", () => {
    const lost = (listen: RadioListen, deviatn: number, sent: Sent[]) => {
      const r = rig(listen);
      r.chip.regs[R.DEVIATN] = deviatn; // as if the driver had written it (the watchdog checks the sync word only)
      r.send(sent);
      return sent.length - r.frames.length;
    };
    const tc = Array.from({ length: 6 }, (_, i) => frameWithL("C", i % 2 ? "A" : "B", 30 + 20 * i));
    const s = Array.from({ length: 4 }, (_, i) => frameWithL("S", "A", 30 + 20 * i));
    expect(lost("TC", 0x44, tc)).toBe(0);
    expect(lost("TC", 0x50, tc)).toBe(tc.length); // C1 meters send ±45 kHz: 0.89 of what 0x50 expects
    expect(lost("S", 0x47, s)).toBe(0);
    // 0x47 = 47.6 kHz; 4/3 of it is 63.5 kHz = DEVIATION_E 5, M 2 (0x52)
    expect(deviationHz(0x52, XTAL) / deviationHz(0x47, XTAL)).toBeCloseTo(4 / 3, 1);
    expect(lost("S", 0x52, s)).toBe(s.length);
  });
});

describe("fix 5: PKTLEN is never 0 (SWRS061 §29: 'must be different from 0')", () => {
  // every frame whose FIFO length is a multiple of 256 (T never has one: 1.5 FIFO bytes per byte)
  const multiples = (mode: PhyMode, format: FrameFormat): Sent[] => {
    const out: Sent[] = [];
    for (let l = format === "A" ? 9 : 12; l <= 255; l++) {
      const f = frameWithL(mode, format, l);
      if (fifoBytes(mode, format, f.frame).length % 256 === 0) out.push(f);
    }
    return out;
  };
  const cases: Sent[] = [...multiples("C", "A"), ...multiples("C", "B")];
  const sCases: Sent[] = multiples("S", "A");

  it("there are such frames in C-A, C-B and S (L = 111 and 225)", () => {
    expect(multiples("C", "A").length).toBeGreaterThan(0);
    expect(multiples("C", "B").length).toBeGreaterThan(0);
    expect(sCases.map((f) => f.frame[0])).toEqual([111, 225]);
  });

  it("JS receive path: the frames arrive bit-exact and PKTLEN = 0 is never written", () => {
    for (const [listen, sent] of [["TC", cases], ["S", sCases]] as const) {
      const r = rig(listen);
      r.send([...sent, ...sent]);
      expect(r.frames.map((f) => hex(f.bytes))).toEqual([...sent, ...sent].map((s) => hex(s.frame)));
      expect(r.chip.stats.pktlenZeroWrites).toBe(0);
    }
  });

  // the native C service's PKTLEN for such a frame: radio-load-queue.test.ts (it builds the C harness already)
});

describe("fix 4: no interrupt on GDO0 while it outputs the reset clock (IOCFG0 reset value 0x3F = CLK_XOSC/192)", () => {
  it("the model: after power-on and SRES, GDO0 carries 135.4 kHz", () => {
    expect(RESET_VALUES[R.IOCFG0]).toBe(0x3f);
    expect(XTAL / CLOCK_DIVIDERS[0x3f - GDO_CLOCK_FIRST]).toBeCloseTo(135_417, 0);
    const scheduler = new Scheduler();
    const sim = createSimRadio({ chip: "cc1101", air: new Air(scheduler), scheduler, listen: null, onFrame: () => undefined });
    expect(sim.board.pin(sim.description.pins.radioGdo0).clockHz).toBeCloseTo(135_417, 0);
    sim.radio.close();
  });

  it("the JS driver attaches its GDO interrupts only after writing the registers, also across watchdog re-initialisations", () => {
    const r = rig("TC");
    expect(r.sim.board.stats.interruptStorms).toBe(0);
    for (const fault of ["frozen", "miso-stuck"] as const) {
      r.chip.inject(fault, r.scheduler.now + 300_000);
      r.run(1_000_000);
    }
    expect(r.radio.stats.watchdogRecoveries).toBeGreaterThanOrEqual(2); // each a full re-init with SRES
    expect(r.sim.board.stats.interruptStorms).toBe(0);
    expect(r.sim.board.stats.stormEdges).toBe(0);
    const sent = [frameWithL("T", "A", 50), frameWithL("C", "B", 60)];
    r.send(sent);
    expect(r.frames.map((f) => hex(f.bytes))).toEqual(sent.map((s) => hex(s.frame)));
  });

  it("a brownout resets the chip behind the driver's back: the clock on the attached GDO0 lasts until the next watchdog check", () => {
    const r = rig("TC");
    r.chip.inject("brownout");
    r.run(1_000_000);
    expect(r.radio.stats.watchdogRecoveries).toBe(1);
    expect(r.sim.board.stats.interruptStorms).toBe(1);
    // at most one watchdog period (250 ms) of 135.4 kHz: the re-initialisation detaches first, then writes IOCFG0
    expect(r.sim.board.stats.stormEdges).toBeLessThanOrEqual(2 * 135_417 * 0.25);
    expect(r.sim.board.pin(r.sim.description.pins.radioGdo0).clockHz).toBe(0);
  });

  it("the native task disables its GPIO interrupts while paused (watchdog SRES) and enables them after", () => {
    const c = readFileSync("firmware/native/wmbus_radio_task_esp32.c", "utf8");
    const pause = c.slice(c.indexOf("void wmbus_radio_task_pause"));
    const body = pause.slice(0, pause.indexOf("\n}\n"));
    expect(body.indexOf("irq_enable(0)")).toBeGreaterThan(0);
    expect(body.indexOf("irq_enable(0)")).toBeLessThan(body.indexOf("xSemaphoreTake"));
    expect(body.indexOf("irq_enable(1)")).toBeGreaterThan(body.indexOf("xSemaphoreGive"));
  });
});

describe("fix 3: the CC1101 watchdog respects the native task's frame state", () => {
  function nativeRig(receiving: () => boolean) {
    const scheduler = new Scheduler();
    const air = new Air(scheduler);
    const sim = createSimRadio({ chip: "cc1101", air, scheduler, listen: null, onFrame: () => undefined });
    sim.radio.close();
    const pauses: string[] = [];
    const task: Cc1101FifoService = {
      start: () => undefined,
      pause: (p, rearmed) => pauses.push(`${p} ${rearmed}`),
      receiving,
      close: () => undefined,
    };
    const io = { SPI: sim.board.SPI, Digital: sim.board.Digital } as unknown as RadioIoClasses;
    const radio = new CC1101({ ...radioOptionsForBoard(sim.description, io, { timers: sim.timers, onFrame: () => undefined }), fifoService: task });
    scheduler.at(scheduler.now, () => radio.start("TC"));
    scheduler.advance(2000);
    return { scheduler, air, chip: sim.chip as Cc1101Sim, radio, pauses };
  }

  it("no manual calibration (SIDLE, SCAL) while the task reads a frame", () => {
    let inFrame = true;
    const r = nativeRig(() => inFrame);
    const scals = r.chip.stats.strobes.SCAL ?? 0;
    r.scheduler.advance(125_000_000);
    expect(r.radio.cc1101Stats.calibrations).toBe(0);
    expect(r.chip.stats.strobes.SCAL ?? 0).toBe(scals);
    inFrame = false;
    r.scheduler.advance(1_000_000);
    expect(r.radio.cc1101Stats.calibrations).toBe(1); // due long ago: done at the first check between frames
  });

  it("a finished frame still in the FIFO is not flushed by the 'not in RX' re-arm", () => {
    const r = nativeRig(() => false);
    // the task programmed the length (fixed, 14 bytes) and has not read the packet yet
    r.chip.regs[R.PKTCTRL0] = (r.chip.regs[R.PKTCTRL0] & ~3) | LENGTH_CONFIG.FIXED;
    const f = frameWithL("C", "A", 9);
    const n = fifoBytes(f.mode, f.format, f.frame).length;
    r.chip.regs[R.PKTLEN] = n;
    const s = r.air.transmit({ ...f, rssiDbm: -60, at: r.scheduler.now + 1000 });
    r.scheduler.runUntil(s.end + 1000);
    expect(r.chip.marcState).toBe(MARCSTATE.IDLE);
    expect(r.chip.rxFifoBytes).toBe(n);
    r.scheduler.advance(260_000); // one watchdog check
    expect(r.chip.rxFifoBytes).toBe(n); // left for the task
    expect(r.pauses.at(-1)).toBe("false false");
    r.scheduler.advance(260_000); // a second one: nobody reads it, the chip is set up again
    expect(r.radio.stats.watchdogRecoveries).toBe(1);
  });
});

describe("fix 2: the SX1262 health check masks reserved status bits and harmless device errors", () => {
  it("reserved status bits set and a harmless error latched: no reset, frames received, errors counted", () => {
    const r = createSx1262Rig();
    r.chip.reservedStatusBits = 0x81;
    r.start("TC");
    r.run(50);
    r.chip.latchHarmlessErrors(DEVICE_ERROR.RC64K_CALIB | DEVICE_ERROR.IMG_CALIB);
    r.run(3_000);
    let t = r.scheduler.now + 1000;
    const sent = [frameWithL("T", "A", 60), frameWithL("C", "A", 80), frameWithL("C", "B", 90)];
    for (const s of sent) t = r.air.transmit({ ...s, rssiDbm: -70, at: t }).end + 3000;
    r.scheduler.runUntil(t + 5000);
    expect(r.frames.map((f: RadioFrame) => hex(f.bytes))).toEqual(sent.map((s) => hex(s.frame)));
    expect(r.radio.stats.resets).toBe(0);
    expect(r.radio.stats.watchdogRecoveries).toBe(0);
    expect(r.radio.sx1262Stats.deviceErrors).toBe(1);
    expect(r.radio.sx1262Stats.deviceErrorBits).toBe(DEVICE_ERROR.RC64K_CALIB | DEVICE_ERROR.IMG_CALIB);
  });

  it("errors reported at set-up do not stop it", () => {
    const r = createSx1262Rig();
    // a calibration flag latched by Calibrate (§13.6.1) although the chip works
    r.chip.afterCommand = (op) => {
      if (op === OP.CALIBRATE) r.chip.latchHarmlessErrors(DEVICE_ERROR.ADC_CALIB);
    };
    r.start("TC");
    r.run(1_000);
    expect(r.radio.stats.resets).toBe(0);
    expect(r.chip.mode).toBe(CHIP_MODE.RX);
    expect(r.radio.sx1262Stats.deviceErrorBits).toBe(DEVICE_ERROR.ADC_CALIB);
    expect(r.diagnostics.join("\n")).toMatch(/device errors 0x8 \(set-up\); cleared, receiving on/);
  });

  it("a PLL that stays unlocked (PLL_LOCK latching again after clearing) is re-initialised, at most once a minute", () => {
    const r = createSx1262Rig();
    r.start("TC");
    r.run(100);
    r.chip.inject("pllUnlock");
    r.run(1_000);
    expect(r.radio.sx1262Stats.pllResets).toBe(1);
    expect(r.chip.faulty).toBe(false); // NRESET cleared it
  });
});

describe("fix 6: the esp32-cc1101 board's pins are those of the source it cites", () => {
  it("every pin named in the cited defaults matches pins.json", () => {
    const board = loadBoard("esp32-cc1101");
    const text = (board.sources ?? []).join(" ");
    const cited: Record<string, string> = { mosi_pin: "mosi", miso_pin: "miso", clk_pin: "sck", cs_pin: "radioSelect", gdo0_pin: "radioGdo0", gdo2_pin: "radioGdo2" };
    for (const [name, pin] of Object.entries(cited)) {
      const m = new RegExp(`${name} GPIO(\\d+)`).exec(text);
      expect(m, name).not.toBeNull();
      expect(board.pins[pin], name).toBe(Number(m![1]));
    }
    // HSPI IO_MUX pins (MISO 12, MOSI 13, CLK 14) belong to SPI2 = port 1
    expect(board.radio.spiPort).toBe(1);
  });
});

describe("one bus contract: chip select is released on every path", () => {
  it("a throwing SPI transfer leaves NSS / CSn high on both chips' buses", () => {
    const levels: number[] = [];
    const select = { read: () => levels.at(-1) ?? 1, write: (v: number) => void levels.push(v), close: () => undefined };
    const spi = { transfer: () => { throw new Error("spi fault"); }, close: () => undefined };
    const timers = { ticks: () => 0, set: () => 0, clear: () => undefined, delayMicros: () => undefined };
    expect(() => new Sx1262Bus(spi, select, null, timers).command([0xc0])).toThrow(/spi fault/);
    expect(levels).toEqual([0, 1]);
    levels.length = 0;
    expect(() => new Cc1101Bus(spi, select as never, timers).strobe(0x3d)).toThrow(/spi fault/);
    expect(levels).toEqual([0, 1]);
  });
});
