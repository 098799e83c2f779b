/**
 * Builds the radio driver a board description names (boards/<board>/pins.json, checked by platform/board.ts):
 * the pins become ECMA-419 io bundles for the given io classes (Moddable's `embedded:io/*` on the device, the
 * simulator's classes on the host), and the radio kind picks the driver class.
 */
import type { BoardDescription } from "../platform/board.js";
import { checkBoard } from "../platform/board.js";
import { CC1101, type Cc1101FifoService } from "./cc1101/cc1101.js";
import type { IoBundle, Radio, RadioOptions } from "./radio.js";
import { SX1262, type Sx1262BufferService } from "./sx1262/sx1262.js";

/** The io classes to construct (`embedded:io/spi` and `embedded:io/digital` or stand-ins of the same shape). */
export interface RadioIoClasses {
  SPI: IoBundle["io"];
  Digital: IoBundle["io"];
}

export type RadioServices = Pick<RadioOptions, "timers" | "onFrame" | "onDiagnostic">;

/** The `RadioOptions` for a board: SPI bus, chip select and the interrupt/control pins of its radio. */
export function radioOptionsForBoard(board: BoardDescription, io: RadioIoClasses, services: RadioServices): RadioOptions {
  const p = board.pins;
  const r = board.radio;
  const pin = (name: string): IoBundle => ({ io: io.Digital, pin: p[name] });
  const options: RadioOptions = {
    spi: { io: io.SPI, clock: p.sck, out: p.mosi, in: p.miso, hz: r.spiHz, port: r.spiPort },
    select: pin("radioSelect"),
    interrupt: pin(r.kind === "cc1101" ? "radioGdo0" : "radioDio1"),
    timers: services.timers,
    onFrame: services.onFrame,
    onDiagnostic: services.onDiagnostic,
    xtalHz: r.xtalHz,
  };
  if (r.kind === "cc1101") options.interrupt2 = pin("radioGdo2");
  else {
    options.reset = pin("radioReset");
    options.busy = pin("radioBusy");
    options.tcxoVoltage = r.tcxoVoltage ?? null;
    options.dio2AsRfSwitch = r.dio2AsRfSwitch === true;
  }
  return options;
}

/** The native radio task (device: firmware/native/radio-task-native.ts) serves either chip. */
export type NativeRadioService = Cc1101FifoService & Sx1262BufferService;

/**
 * Checks the board and constructs its driver (not started). Throws with the board's problems when unusable.
 * With `native`, the chip's FIFO/buffer is serviced by the native radio task instead of the driver's own
 * interrupt handlers (the production path: decoding on the XS thread then never delays FIFO service).
 */
export function createRadio(board: BoardDescription, io: RadioIoClasses, services: RadioServices, native?: NativeRadioService): Radio {
  const problems = checkBoard(board);
  if (problems.length > 0) throw new Error(`board description unusable: ${problems.join("; ")}`);
  const options = radioOptionsForBoard(board, io, services);
  return board.radio.kind === "cc1101" ? new CC1101({ ...options, fifoService: native }) : new SX1262({ ...options, bufferService: native });
}
