/**
 * One simulated gateway radio on the shared air: the board description (boards/<board>/pins.json) → the board's
 * provider (boards/common/provider.js) with the SimBoard io classes → the real driver (built by
 * firmware/radio/create-radio.ts from the provider's bundles, exactly as on the device) → the chip
 * simulator behind the simulated SPI bus and pins. The driver is started on `listen`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BoardDescription } from "../../firmware/platform/board.js";
import { CC1101 } from "../../firmware/radio/cc1101/cc1101.js";
import { createRadio, type RadioIoClasses } from "../../firmware/radio/create-radio.js";
import type { Radio, RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import type { Air } from "../sim/air.js";
import { boardPeripheral, radioOptionsForBoard } from "./board-provider.js";
import { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { SimBoard } from "../sim/io.js";
import type { Scheduler } from "../sim/scheduler.js";
import { SimTimers } from "../sim/scheduler.js";
import { Sx1262Sim } from "../sim/sx1262/chip.js";

export type SimChipKind = "cc1101" | "sx1262";

export const SIM_BOARDS: Readonly<Record<SimChipKind, string>> = Object.freeze({ cc1101: "esp32-cc1101", sx1262: "heltec-wifi-lora-32-v3" });

export interface SimRadioOptions {
  chip: SimChipKind;
  air: Air;
  scheduler: Scheduler;
  /** Channel to start on; null = do not start. Default "TC". */
  listen?: RadioListen | null;
  onFrame: (frame: RadioFrame) => void;
  onDiagnostic?: (message: string) => void;
  /** Pin edge → onReadable latency in µs (default 50). */
  latencyUs?: number;
  /** Board folder under boards/ (default per chip, see SIM_BOARDS). */
  board?: string;
  seed?: number;
  /**
   * CC1101 only: Cc1101Options `calibrateEveryMs` (0 = calibrate on every IDLE→RX); the driver is then built
   * with it from the same board options. Undefined = the driver default, built by createRadio.
   */
  cc1101CalibrateEveryMs?: number;
  /** The air the chip's transmissions go to (default: the one it listens on), on the same scheduler. */
  txAir?: Air;
}

export interface SimRadio {
  radio: Radio;
  chip: Cc1101Sim | Sx1262Sim;
  board: SimBoard;
  timers: SimTimers;
  description: BoardDescription;
}

/** boards/<name>/pins.json, found from the sources or from build/. */
export function loadBoard(name: string): BoardDescription {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, "boards", name, "pins.json");
    if (existsSync(p)) return JSON.parse(readFileSync(p, "utf8")) as BoardDescription;
    dir = dirname(dir);
  }
  throw new Error(`boards/${name}/pins.json not found`);
}

export function createSimRadio(o: SimRadioOptions): SimRadio {
  if (o.air.scheduler !== o.scheduler) throw new Error("createSimRadio: the air runs on another scheduler");
  const description = loadBoard(o.board ?? SIM_BOARDS[o.chip]);
  if (description.radio.kind !== o.chip) throw new Error(`createSimRadio: board ${description.board} carries a ${description.radio.kind}, not a ${o.chip}`);
  const board = new SimBoard(o.scheduler, { interruptLatencyUs: o.latencyUs });
  const timers = new SimTimers(o.scheduler);
  const p = description.pins;
  const port = description.radio.spiPort;
  const chip =
    o.chip === "cc1101"
      ? new Cc1101Sim({ air: o.air, board, spiPort: port, selectGpio: p.radioSelect, gdo0Gpio: p.radioGdo0, gdo2Gpio: p.radioGdo2, xtalHz: description.radio.xtalHz, seed: o.seed, txAir: o.txAir })
      : new Sx1262Sim({ air: o.air, board, spiPort: port, selectGpio: p.radioSelect, busyGpio: p.radioBusy, dio1Gpio: p.radioDio1, resetGpio: p.radioReset, tcxoVoltage: description.radio.tcxoVoltage ?? null, seed: o.seed, rfSwitchOnDio2: description.radio.dio2AsRfSwitch ?? false, txAir: o.txAir });
  // the sim classes take typed option objects; the contract's IoBundle types them loosely
  const io = { SPI: board.SPI, Digital: board.Digital } as unknown as RadioIoClasses;
  const services = { timers, onFrame: o.onFrame, onDiagnostic: o.onDiagnostic };
  const calibrateEveryMs = o.cc1101CalibrateEveryMs;
  const radio =
    o.chip === "cc1101" && calibrateEveryMs !== undefined
      ? new CC1101({ ...radioOptionsForBoard(description, io, services), calibrateEveryMs })
      : createRadio(description, boardPeripheral(description, io), services);
  const listen = o.listen === undefined ? "TC" : o.listen;
  if (listen) radio.start(listen);
  return { radio, chip, board, timers, description };
}
