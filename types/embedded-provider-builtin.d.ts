/*
 * The board's ECMA-419 host provider: the `device` global. Written by this project.
 * Describes: our boards/common/provider.js (re-exported by boards/<board>/host/provider.js), which
 * modules/io/manifests/esp32/manifest.json maps to `embedded:provider/builtin` for `-p esp32/*`
 * (the SDK's own boards follow build/devices/esp32/targets/<target>/host/provider.js). It is
 * imported by modules/io/system/system.js, which deep-freezes it into `globalThis.device`.
 *
 * Only our boards define `peripheral.radio`; on an SDK target it is undefined.
 * The bundles are frozen data: spread one into a new object to add `edge`, `onReadable`, `hz`...
 * e.g. `new r.dio1.io({...r.dio1, edge: Digital.Rising, onReadable})`.
 */
declare module "embedded:provider/builtin" {
  import type SPI from "embedded:io/spi";
  import type { SPIOptions } from "embedded:io/spi";
  import type Digital from "embedded:io/digital";
  import type { DigitalOptions } from "embedded:io/digital";

  /** Constructor options that carry the IO class to construct them with (`new b.io(b)`). */
  export type IoBundle<C, O> = Readonly<O> & { readonly io: C };
  export type SPIBundle = IoBundle<typeof SPI, SPIOptions>;
  export type DigitalBundle = IoBundle<typeof Digital, DigitalOptions>;

  interface RadioCommon {
    /** The radio's SPI device: bus pins, port, hz, mode 0. No `select`: see `select`. */
    readonly spi: SPIBundle;
    /** Chip select (SX1262 NSS, CC1101 CSn) as an Output, active low, for the driver to toggle. */
    readonly select: DigitalBundle;
    /** Reference oscillator in Hz (SX1262 32 MHz, CC1101 26 MHz). */
    readonly xtalHz: number;
  }

  export interface SX1262Radio extends RadioCommon {
    readonly kind: "sx1262";
    /** NRESET, Output (active low: drive 0 to reset). */
    readonly reset: DigitalBundle;
    /** BUSY, Input: commands are accepted only while it reads 0. */
    readonly busy: DigitalBundle;
    /** DIO1 IRQ line, Input (add edge + onReadable). */
    readonly dio1: DigitalBundle;
    /** TCXO supply voltage driven on DIO3 (SetDIO3AsTcxoCtrl), or null for a crystal. */
    readonly tcxoVoltage: number | null;
    /** DIO2 drives the module's RF switch (SetDIO2AsRfSwitchCtrl). */
    readonly dio2AsRfSwitch: boolean;
  }

  export interface CC1101Radio extends RadioCommon {
    readonly kind: "cc1101";
    /** GDO0, Input (our register set, IOCFG0 = 0x06: sync word seen until end of packet). */
    readonly gdo0: DigitalBundle;
    /** GDO2, Input (our register set, IOCFG2 = 0x00: RX FIFO at or above the threshold). */
    readonly gdo2: DigitalBundle;
  }

  export type RadioPeripheral = SX1262Radio | CC1101Radio;

  export interface Device {
    readonly io: { readonly Digital: typeof Digital; readonly SPI: typeof SPI };
    /** The board's SPI bus (no hz: add it). */
    readonly SPI: { readonly default: IoBundle<typeof SPI, Omit<SPIOptions, "hz">> };
    /** Every named GPIO of the board (boards/<board>/pins.json "pins"). */
    readonly pin: Readonly<Record<string, number>>;
    readonly peripheral: { readonly radio?: RadioPeripheral };
  }

  const device: Device;
  export default device;
}
