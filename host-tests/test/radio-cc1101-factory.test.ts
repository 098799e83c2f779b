/** createRadio (board description → driver) and createSimRadio (both chips on one air). */
import { describe, expect, it } from "vitest";
import { createRadio, nativeTaskPins } from "../../firmware/radio/create-radio.js";
import { boardPeripheral, radioOptionsForBoard } from "../rigs/board-provider.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import { Air } from "../sim/air.js";
import { wirelessCorpusFrames } from "../sim/corpus-frames.js";
import { SimBoard } from "../sim/io.js";
import { Scheduler, SimTimers } from "../sim/scheduler.js";
import { createSimRadio, loadBoard } from "../rigs/sim-radio.js";
import { hex } from "./radio-cc1101-helpers.js";

describe("createRadio", () => {
  it("maps the CC1101 board's pins to io bundles", () => {
    const board = loadBoard("esp32-cc1101");
    const sim = new SimBoard(new Scheduler());
    const io = { SPI: sim.SPI, Digital: sim.Digital } as never;
    const o = radioOptionsForBoard(board, io, { timers: new SimTimers(sim.scheduler), onFrame: () => undefined });
    expect(o.spi).toMatchObject({ clock: 14, out: 13, in: 12, hz: 4_000_000, port: 1 });
    expect(o.select.pin).toBe(2);
    expect(o.interrupt.pin).toBe(5);
    expect(o.interrupt2?.pin).toBe(4);
    expect(o.reset).toBeUndefined();
    // the native task reads its pins from the same provider bundles
    expect(nativeTaskPins(boardPeripheral(board, io))).toEqual({ chip: "cc1101", spiPort: 1, spiHz: 4_000_000, select: 2, irq: 5, irq2: 4, busy: -1 });
  });

  it("refuses a board description with problems, naming them", () => {
    const board = loadBoard("esp32-cc1101");
    const bad = { ...board, pins: { ...board.pins, radioGdo2: board.pins.radioGdo0 } };
    const sim = new SimBoard(new Scheduler());
    const io = { SPI: sim.SPI, Digital: sim.Digital } as never;
    expect(() => createRadio(bad, boardPeripheral(bad, io), { timers: new SimTimers(sim.scheduler), onFrame: () => undefined })).toThrow(
      /GPIO 5 used twice/,
    );
  });
});

describe("createSimRadio", () => {
  it("puts a CC1101 and an SX1262 gateway on one air; both receive the same frames", () => {
    const scheduler = new Scheduler();
    const air = new Air(scheduler);
    const got: Record<string, RadioFrame[]> = { cc1101: [], sx1262: [] };
    for (const chip of ["cc1101", "sx1262"] as const) createSimRadio({ chip, air, scheduler, listen: "TC", onFrame: (f) => got[chip].push(f) });
    scheduler.advance(20_000);
    const sent = wirelessCorpusFrames().frames.filter((f) => f.mode !== "S").slice(0, 12);
    let t = scheduler.now + 1000;
    for (const f of sent) t = air.transmit({ mode: f.mode, format: f.format, frame: f.frame, rssiDbm: -80, at: t }).end + 3000;
    scheduler.runUntil(t + 10_000);
    const want = sent.map((f) => hex(f.frame));
    expect(got.cc1101.map((f) => hex(f.bytes))).toEqual(want);
    expect(got.sx1262.map((f) => hex(f.bytes))).toEqual(want);
  });

  it("rejects a board that carries the other chip", () => {
    const scheduler = new Scheduler();
    expect(() => createSimRadio({ chip: "cc1101", board: "heltec-wifi-lora-32-v3", air: new Air(scheduler), scheduler, onFrame: () => undefined })).toThrow(/carries a sx1262/);
  });
});
