/**
 * Builds the radio driver from the board's radio peripheral: the io bundles that boards/common/provider.js
 * makes from the board's pins.json. On the device that is `device.peripheral.radio`; on the host the simulator
 * evaluates the same provider.js with its own io classes (host-tests/rigs/board-provider.ts). The provider is
 * the one place where pins become io: the JS drivers (`radioOptionsFromPeripheral`) and the native radio task
 * (`nativeTaskPins`) only read its bundles.
 */
import type { BoardDescription, RadioKind } from "../platform/board.js";
import { checkBoard } from "../platform/board.js";
import { CC1101, type Cc1101FifoService } from "./cc1101/cc1101.js";
import type { IoBundle, Radio, RadioOptions } from "./radio.js";
import { SX1262, type Sx1262BufferService } from "./sx1262/sx1262.js";

/** The io classes to construct (`embedded:io/spi` and `embedded:io/digital` or stand-ins of the same shape). */
export interface RadioIoClasses {
  SPI: IoBundle["io"];
  Digital: IoBundle["io"];
}

/** `device.peripheral.radio` (types/embedded-provider-builtin.d.ts), as far as the drivers need it. */
export interface RadioPeripheralBundles {
  readonly kind: RadioKind;
  readonly spi: IoBundle;
  readonly select: IoBundle;
  readonly xtalHz: number;
  /** SX1262 */
  readonly reset?: IoBundle;
  readonly busy?: IoBundle;
  readonly dio1?: IoBundle;
  readonly tcxoVoltage?: number | null;
  readonly dio2AsRfSwitch?: boolean;
  /** CC1101 */
  readonly gdo0?: IoBundle;
  readonly gdo2?: IoBundle;
}

export type RadioServices = Pick<RadioOptions, "timers" | "onFrame" | "onDiagnostic">;

function need(p: RadioPeripheralBundles, name: keyof RadioPeripheralBundles): IoBundle {
  const b = p[name];
  if (!b || typeof b !== "object") throw new Error(`radio peripheral (${p.kind}): "${String(name)}" missing`);
  return b as IoBundle;
}

/** The driver options for the peripheral's chip: its bundles as they are (the drivers add mode, edge, onReadable). */
export function radioOptionsFromPeripheral(p: RadioPeripheralBundles, services: RadioServices): RadioOptions {
  const cc = p.kind === "cc1101";
  const options: RadioOptions = {
    spi: need(p, "spi"),
    select: need(p, "select"),
    interrupt: need(p, cc ? "gdo0" : "dio1"),
    timers: services.timers,
    onFrame: services.onFrame,
    onDiagnostic: services.onDiagnostic,
    xtalHz: p.xtalHz,
  };
  if (cc) options.interrupt2 = need(p, "gdo2");
  else {
    options.reset = need(p, "reset");
    options.busy = need(p, "busy");
    options.tcxoVoltage = p.tcxoVoltage ?? null;
    options.dio2AsRfSwitch = p.dio2AsRfSwitch === true;
  }
  return options;
}

/** What the native radio task needs (NativeRadioTaskOptions without `onFrames`), read from the same bundles. */
export interface NativeTaskPins {
  chip: RadioKind;
  spiPort: number;
  spiHz: number;
  select: number;
  irq: number;
  irq2: number;
  busy: number;
}

export function nativeTaskPins(p: RadioPeripheralBundles): NativeTaskPins {
  const cc = p.kind === "cc1101";
  const spi = need(p, "spi");
  const pin = (b: IoBundle | undefined) => (b ? Number(b.pin) : -1);
  return {
    chip: p.kind,
    spiPort: Number(spi.port),
    spiHz: Number(spi.hz),
    select: pin(need(p, "select")),
    irq: pin(need(p, cc ? "gdo0" : "dio1")),
    irq2: cc ? pin(need(p, "gdo2")) : -1,
    busy: cc ? -1 : pin(need(p, "busy")),
  };
}

/** The native radio task (device: firmware/native/radio-task-native.ts) serves either chip. */
export type NativeRadioService = Cc1101FifoService & Sx1262BufferService;

/**
 * Checks the board and constructs the driver of its radio peripheral (not started). Throws with the board's
 * problems when unusable. With `native`, the chip's FIFO/buffer is serviced by the native radio task instead
 * of the driver's own interrupt handlers (the production path: decoding on the XS thread then never delays
 * FIFO service).
 */
export function createRadio(board: BoardDescription, peripheral: RadioPeripheralBundles, services: RadioServices, native?: NativeRadioService): Radio {
  const problems = checkBoard(board);
  if (problems.length > 0) throw new Error(`board description unusable: ${problems.join("; ")}`);
  if (peripheral.kind !== board.radio.kind) throw new Error(`radio peripheral is a ${peripheral.kind}, the board carries a ${board.radio.kind}`);
  const options = radioOptionsFromPeripheral(peripheral, services);
  return peripheral.kind === "cc1101" ? new CC1101({ ...options, fifoService: native }) : new SX1262({ ...options, bufferService: native });
}
