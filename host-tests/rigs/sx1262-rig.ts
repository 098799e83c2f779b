/**
 * Test rig: a Heltec WiFi LoRa 32 V3 (createSimRadio: SX1262 model + the real SX1262 driver on the board's
 * pins) on its own or a shared air, collecting frames and diagnostics.
 */
import type { RadioIoClasses } from "../../firmware/radio/create-radio.js";
import { radioOptionsForBoard } from "./board-provider.js";
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import { SX1262 } from "../../firmware/radio/sx1262/sx1262.js";
import { Air } from "../sim/air.js";
import type { SimBoard } from "../sim/io.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio } from "./sim-radio.js";
import type { Sx1262Sim } from "../sim/sx1262/chip.js";

export interface Sx1262RigOptions {
  /** Chip error rate on air. */
  ber?: number;
  seed?: number;
  /** The TCXO voltage the driver is told, when it should differ from the board's (a misconfigured build). */
  driverTcxoVoltage?: number | null;
  /** Pin edge → `onReadable` latency in µs. */
  interruptLatencyUs?: number;
  /** Share an air (and its scheduler) with other receivers. */
  air?: Air;
}

export interface Sx1262Rig {
  scheduler: Scheduler;
  board: SimBoard;
  air: Air;
  chip: Sx1262Sim;
  radio: SX1262;
  /** GPIO of the chip's DIO1 line. */
  dio1Gpio: number;
  frames: RadioFrame[];
  diagnostics: string[];
  /** Runs simulated time forward by `ms`. */
  run(ms: number): void;
  /** Starts the driver from a host event, as from the XS task on the device. */
  start(listen: RadioListen): void;
}

export function createSx1262Rig(options: Sx1262RigOptions = {}): Sx1262Rig {
  const scheduler = options.air?.scheduler ?? new Scheduler();
  const air = options.air ?? new Air(scheduler, { ber: options.ber, seed: options.seed });
  const frames: RadioFrame[] = [];
  const diagnostics: string[] = [];
  const services = { onFrame: (f: RadioFrame) => frames.push(f), onDiagnostic: (m: string) => diagnostics.push(m) };
  const sim = createSimRadio({ chip: "sx1262", air, scheduler, listen: null, latencyUs: options.interruptLatencyUs, seed: options.seed, ...services });
  let radio = sim.radio as SX1262;
  if (options.driverTcxoVoltage !== undefined) {
    radio.close();
    const io = { SPI: sim.board.SPI, Digital: sim.board.Digital } as unknown as RadioIoClasses;
    const description = { ...sim.description, radio: { ...sim.description.radio, tcxoVoltage: options.driverTcxoVoltage } };
    radio = new SX1262(radioOptionsForBoard(description, io, { timers: sim.timers, ...services }));
  }
  return {
    scheduler, board: sim.board, air, chip: sim.chip as Sx1262Sim, radio, dio1Gpio: sim.description.pins.radioDio1, frames, diagnostics,
    run: (ms) => scheduler.advance(ms * 1000),
    start: (listen) => {
      scheduler.at(scheduler.now, () => radio.start(listen));
      scheduler.advance(0);
    },
  };
}
