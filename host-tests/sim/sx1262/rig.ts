/**
 * A Heltec WiFi LoRa 32 V3 on simulated time: SX1262 model + the real SX1262 driver wired with the board's
 * pins (boards/heltec-wifi-lora-32-v3/pins.json) over the io shims, listening to a shared air.
 */
import { readFileSync } from "node:fs";
import type { RadioFrame, RadioListen } from "../../../firmware/radio/radio.js";
import { SX1262 } from "../../../firmware/radio/sx1262/sx1262.js";
import type { BoardDescription } from "../../../firmware/platform/board.js";
import { Air } from "../air.js";
import { SimBoard } from "../io.js";
import { Scheduler, SimTimers } from "../scheduler.js";
import { Sx1262Sim } from "./chip.js";

const HELTEC_V3 = new URL("../../../../boards/heltec-wifi-lora-32-v3/pins.json", import.meta.url);

export interface Sx1262RigOptions {
  /** Chip error rate on air. */
  ber?: number;
  seed?: number;
  /** The TCXO voltage the driver is told (default: the board's). */
  driverTcxoVoltage?: number | null;
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
  frames: RadioFrame[];
  diagnostics: string[];
  /** Runs simulated time forward by `ms`. */
  run(ms: number): void;
  start(listen: RadioListen): void;
}

function boardFile(): BoardDescription {
  // Works from the TypeScript sources (vitest) and from build/ (the JSON is not copied there).
  for (const url of [HELTEC_V3, new URL("../../../boards/heltec-wifi-lora-32-v3/pins.json", import.meta.url)]) {
    try {
      return JSON.parse(readFileSync(url, "utf8")) as BoardDescription;
    } catch {
      // try the next location
    }
  }
  throw new Error("boards/heltec-wifi-lora-32-v3/pins.json not found");
}

export function createSx1262Rig(options: Sx1262RigOptions = {}): Sx1262Rig {
  const desc = boardFile();
  const pins = desc.pins;
  const scheduler = options.air?.scheduler ?? new Scheduler();
  const board = new SimBoard(scheduler, { interruptLatencyUs: options.interruptLatencyUs });
  const air = options.air ?? new Air(scheduler, { ber: options.ber, seed: options.seed });
  const chip = new Sx1262Sim({
    board, air, spiPort: desc.radio.spiPort, selectGpio: pins.radioSelect, busyGpio: pins.radioBusy,
    dio1Gpio: pins.radioDio1, resetGpio: pins.radioReset, tcxoVoltage: desc.radio.tcxoVoltage ?? null, seed: options.seed,
  });
  const frames: RadioFrame[] = [];
  const diagnostics: string[] = [];
  const Digital = board.Digital as unknown as new (o: Record<string, unknown>) => unknown;
  const Spi = board.SPI as unknown as new (o: Record<string, unknown>) => unknown;
  const radio = new SX1262({
    spi: { io: Spi, clock: pins.sck, out: pins.mosi, in: pins.miso, hz: desc.radio.spiHz, port: desc.radio.spiPort },
    select: { io: Digital, pin: pins.radioSelect },
    reset: { io: Digital, pin: pins.radioReset },
    busy: { io: Digital, pin: pins.radioBusy },
    interrupt: { io: Digital, pin: pins.radioDio1 },
    timers: new SimTimers(scheduler),
    onFrame: (f) => frames.push(f),
    onDiagnostic: (m) => diagnostics.push(m),
    xtalHz: desc.radio.xtalHz,
    tcxoVoltage: options.driverTcxoVoltage === undefined ? desc.radio.tcxoVoltage : options.driverTcxoVoltage,
    dio2AsRfSwitch: desc.radio.dio2AsRfSwitch,
  });
  return {
    scheduler, board, air, chip, radio, frames, diagnostics,
    run: (ms) => scheduler.advance(ms * 1000),
    // The driver talks to the chip from a host event, as from the XS task on the device.
    start: (listen) => {
      scheduler.at(scheduler.now, () => radio.start(listen));
      scheduler.advance(0);
    },
  };
}
