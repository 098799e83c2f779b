/**
 * The board description format (boards/<board>/pins.json) and its checks. Pure TypeScript: the
 * device reads pins.json through the `device` global that boards/common/provider.js builds from it,
 * and host tests load the same JSON files and run `checkBoard` on them.
 *
 * Pin names are flat and unique per board. The SPI bus is `sck`/`mosi`/`miso`; radio signals are
 * `radio*`; anything else (LED, button, display) is free-form. Ethernet, FEM and strapping: ./board-extras.ts.
 */
import { checkBoardExtras, type BoardEthernet, type BoardFem } from "./board-extras.js";

import type { RadioKind } from "../vocabulary.js";
export type { RadioKind };
export type Mcu = "esp32" | "esp32s3" | "esp32c3";

export interface BoardRadio {
  kind: RadioKind;
  /** ESP-IDF SPI host: 1 (SPI2) or 2 (SPI3). */
  spiPort: 1 | 2;
  /** SPI clock for the radio. */
  spiHz: number;
  /** Reference oscillator: SX1262 32 MHz, CC1101 26 MHz. */
  xtalHz: number;
  /** SX1262 only: TCXO supply on DIO3 in volts, or null for a crystal. */
  tcxoVoltage?: number | null;
  /** SX1262 only: DIO2 switches the module's RF switch. */
  dio2AsRfSwitch?: boolean;
}

export interface BoardDescription {
  /** Folder name under boards/ (lower case: mcconfig lower-cases the -p argument). */
  board: string;
  title: string;
  mcu: Mcu;
  radio: BoardRadio;
  /** GPIO number by name. */
  pins: Record<string, number>;
  /** Where the pin numbers come from. */
  sources?: string[];
  /** Module PSRAM wiring: ESP32 quad PSRAM takes GPIO16/17, ESP32-S3 octal PSRAM GPIO33..37 (./board-extras.ts). */
  psram?: "none" | "quad" | "octal";
  /** Wired Ethernet (./board-extras.ts, docs/boards.md). */
  ethernet?: BoardEthernet;
  /** RF front-end module whose enable pins must be driven (./board-extras.ts). */
  fem?: BoardFem;
  /** Pin name → why using this strapping pin is safe on this board. */
  strappingOk?: Record<string, string>;
  /** The UART of the wired M-Bus level converter (pins `wiredTx`, `wiredRx`; docs/wired.md). */
  wired?: { uart: number };
}

/** Pins each radio driver needs. */
export const RADIO_PINS: Readonly<Record<RadioKind, readonly string[]>> = Object.freeze({
  sx1262: Object.freeze(["sck", "mosi", "miso", "radioSelect", "radioReset", "radioBusy", "radioDio1"]),
  cc1101: Object.freeze(["sck", "mosi", "miso", "radioSelect", "radioGdo0", "radioGdo2"]),
});

/** Radio pins the MCU drives (they must be output-capable). */
const RADIO_OUTPUTS: readonly string[] = Object.freeze(["sck", "mosi", "radioSelect", "radioReset"]);

/** SX1262 SetDIO3AsTcxoCtrl voltages (datasheet table: codes 0..7). */
export const SX1262_TCXO_VOLTAGES: readonly number[] = Object.freeze([1.6, 1.7, 1.8, 2.2, 2.4, 2.7, 3.0, 3.3]);

interface McuGpio {
  /** GPIO numbers that exist. */
  exists(gpio: number): boolean;
  /** Connected to the SPI flash / PSRAM. */
  reserved(gpio: number): boolean;
  /** Cannot drive an output. */
  inputOnly(gpio: number): boolean;
}

const GPIO: Readonly<Record<Mcu, McuGpio>> = Object.freeze({
  // ESP32: GPIO 0-39 except 20, 24, 28-31; 6-11 are the flash bus; 34-39 are input only.
  esp32: Object.freeze({
    exists: (g: number) => g >= 0 && g <= 39 && g !== 20 && g !== 24 && !(g >= 28 && g <= 31),
    reserved: (g: number) => g >= 6 && g <= 11,
    inputOnly: (g: number) => g >= 34,
  }),
  // ESP32-S3: GPIO 0-21 and 26-48; 26-32 are the flash/PSRAM bus (33-37 too on octal-PSRAM modules).
  esp32s3: Object.freeze({
    exists: (g: number) => (g >= 0 && g <= 21) || (g >= 26 && g <= 48),
    reserved: (g: number) => g >= 26 && g <= 32,
    inputOnly: () => false,
  }),
  // ESP32-C3: GPIO 0-21; 12-17 are the SPI flash bus (in-package flash included).
  esp32c3: Object.freeze({
    exists: (g: number) => g >= 0 && g <= 21,
    reserved: (g: number) => g >= 12 && g <= 17,
    inputOnly: () => false,
  }),
});

/** Problems with a board description, as readable sentences; empty when it is usable. */
export function checkBoard(b: BoardDescription): string[] {
  const problems: string[] = [];
  const say = (s: string) => problems.push(`${b?.board ?? "?"}: ${s}`);
  if (typeof b !== "object" || b === null) return ["board description is not an object"];
  if (typeof b.board !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(b.board)) say("board name must be lower-case letters, digits and '-'");
  if (typeof b.title !== "string" || b.title === "") say("title missing");
  const gpio = GPIO[b.mcu];
  if (!gpio) say(`unknown mcu "${b.mcu}"`);
  const radio = b.radio;
  const need = radio ? RADIO_PINS[radio.kind] : undefined;
  if (!need) say(`unknown radio kind "${radio?.kind}"`);
  const pins = b.pins ?? {};

  for (const name of need ?? []) if (!(name in pins)) say(`pin "${name}" missing (needed by the ${radio.kind} driver)`);

  const owner = new Map<number, string>();
  for (const [name, g] of Object.entries(pins)) {
    if (!Number.isInteger(g)) {
      say(`pin "${name}" is not an integer`);
      continue;
    }
    const other = owner.get(g);
    if (other !== undefined) say(`GPIO ${g} used twice ("${other}" and "${name}")`);
    owner.set(g, name);
    if (gpio && !gpio.exists(g)) say(`pin "${name}": GPIO ${g} does not exist on ${b.mcu}`);
    else if (gpio?.reserved(g)) say(`pin "${name}": GPIO ${g} belongs to the flash bus on ${b.mcu}`);
    else if (gpio?.inputOnly(g) && RADIO_OUTPUTS.includes(name)) say(`pin "${name}": GPIO ${g} is input only on ${b.mcu}`);
  }

  if (radio) {
    if (radio.spiPort !== 1 && radio.spiPort !== 2) say("radio.spiPort must be 1 or 2");
    const maxHz = radio.kind === "cc1101" ? 6_500_000 : 16_000_000; // CC1101 burst access limit; SX1262 SPI limit
    if (!(Number.isInteger(radio.spiHz) && radio.spiHz >= 100_000 && radio.spiHz <= maxHz)) say(`radio.spiHz must be 100 kHz .. ${maxHz / 1e6} MHz`);
    if (radio.kind === "sx1262") {
      if (radio.xtalHz !== 32_000_000) say("sx1262 xtalHz must be 32000000");
      if (radio.tcxoVoltage !== null && !SX1262_TCXO_VOLTAGES.includes(radio.tcxoVoltage as number)) say("sx1262 tcxoVoltage must be null or a SetDIO3AsTcxoCtrl voltage");
      if (typeof radio.dio2AsRfSwitch !== "boolean") say("sx1262 dio2AsRfSwitch must be true or false");
    } else if (radio.kind === "cc1101") {
      if (radio.xtalHz !== 26_000_000 && radio.xtalHz !== 27_000_000) say("cc1101 xtalHz must be 26000000 or 27000000");
      if ("tcxoVoltage" in radio || "dio2AsRfSwitch" in radio) say("cc1101 has no tcxoVoltage / dio2AsRfSwitch");
    }
  }
  const w = b.wired;
  if (w !== undefined || "wiredTx" in pins || "wiredRx" in pins) {
    if (!("wiredTx" in pins) || !("wiredRx" in pins)) say('wired M-Bus needs both pins "wiredTx" and "wiredRx"');
    // UART0 is the console; the ESP32-C3 has UART0 and UART1 only (datasheets: UART controllers)
    const uarts = b.mcu === "esp32c3" ? [1] : [1, 2];
    if (!w || !uarts.includes(w.uart)) say(`wired.uart must be ${uarts.join(" or ")} on ${b.mcu}`);
    if (gpio && Number.isInteger(pins.wiredTx) && gpio.inputOnly(pins.wiredTx)) say(`pin "wiredTx": GPIO ${pins.wiredTx} is input only on ${b.mcu}`);
  }
  if (gpio) problems.push(...checkBoardExtras(b));
  return problems;
}
