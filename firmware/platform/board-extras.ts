/**
 * Board description parts beyond the radio (docs/boards.md): Ethernet (LAN8720 on the ESP32's RMII MAC,
 * W5500 on SPI), an RF front-end module (FEM) whose pins must be driven, PSRAM wiring, and strapping pins.
 * Pure data checks used by `checkBoard` (./board.ts) and the board test; nothing here touches hardware.
 *
 * MCU facts (Espressif datasheets: ESP32 §2.4 "Strapping Pins" and §4.1.2 / ESP-IDF EMAC "RMII pins are
 * fixed"; ESP32-S3 §3.3 strapping, §2.3.3 flash/PSRAM pins; ESP32-C3 §2.4 strapping, §2.3 flash pins):
 *   - strapping pins are sampled at reset: a peripheral that drives them at reset can change the boot mode,
 *     so a board may use them only with a written reason (`strappingOk`) or as the BOOT button (GPIO0 / C3 GPIO9);
 *   - quad PSRAM on ESP32 modules (WROVER) takes GPIO16/17; octal PSRAM on ESP32-S3 modules takes GPIO33..37;
 *   - the ESP32 EMAC's RMII data pins are fixed: TXD0 19, TX_EN 21, TXD1 22, RXD0 25, RXD1 26, CRS_DV 27,
 *     and an external 50 MHz reference clock can only enter on GPIO0.
 */
import type { BoardDescription } from "./board.js";

/** The board's Ethernet: LAN8720 (or another RMII PHY) on the ESP32 MAC, or a W5500 on SPI. */
export interface BoardEthernet {
  kind: "lan8720" | "w5500";
  /** RMII PHY: SMI address (LAN8720: PHYAD0 strap, 0 or 1). */
  phyAddress?: number;
  /** RMII reference clock: from an external oscillator into GPIO0, or out of the ESP32 on GPIO16/17. */
  clock?: "gpio0-in" | "gpio16-out" | "gpio17-out";
  /** W5500: ESP-IDF SPI host (1 = SPI2, 2 = SPI3). Equal to radio.spiPort = both share sck/mosi/miso. */
  spiPort?: 1 | 2;
  spiHz?: number;
}

/** Control role → pin name, and the level each role takes while receiving and while transmitting. */
export interface BoardFem {
  chip: string;
  pins: Record<string, string>;
  receive: Record<string, 0 | 1>;
  transmit: Record<string, 0 | 1>;
}

/** FEM chips we know and the control roles each one needs (docs/boards.md, Heltec V4). */
const FEM_ROLES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // GC1109: CSD chip enable, CPS PA/bypass select, LDO enable of its supply (CTX comes from SX1262 DIO2).
  GC1109: Object.freeze(["enable", "paMode", "power"]),
});

/** RMII pins of the ESP32 EMAC, fixed by the chip. */
const RMII_PINS: Readonly<Record<string, number>> = Object.freeze({
  ethTxd0: 19, ethTxEn: 21, ethTxd1: 22, ethRxd0: 25, ethRxd1: 26, ethCrsDv: 27,
});

const STRAPPING: Readonly<Record<string, readonly number[]>> = Object.freeze({
  esp32: Object.freeze([0, 2, 5, 12, 15]),
  esp32s3: Object.freeze([0, 3, 45, 46]),
  esp32c3: Object.freeze([2, 8, 9]),
});

/** The BOOT button's GPIO (a strapping pin used as designed). */
const BOOT_BUTTON: Readonly<Record<string, number>> = Object.freeze({ esp32: 0, esp32s3: 0, esp32c3: 9 });

function psramPins(mcu: string, psram: string | undefined): number[] {
  if (mcu === "esp32" && psram === "quad") return [16, 17];
  if (mcu === "esp32s3" && psram === "octal") return [33, 34, 35, 36, 37];
  return [];
}

/** Pins the MCU drives for Ethernet and the FEM (must be output-capable). */
function outputPins(b: BoardDescription): string[] {
  const out = ["ethSelect", "ethReset", "ethSck", "ethMosi", "ethMdc", "ethPower"];
  if (b.fem) out.push(...Object.values(b.fem.pins ?? {}));
  return out;
}

/** Problems with the Ethernet, FEM, PSRAM and MCU-specific parts; empty when usable. */
export function checkBoardExtras(b: BoardDescription): string[] {
  const problems: string[] = [];
  const say = (s: string) => problems.push(`${b.board}: ${s}`);
  const pins = b.pins ?? {};
  if (b.mcu === "esp32c3" && b.radio && b.radio.spiPort !== 1) say("esp32c3 has one general-purpose SPI host: radio.spiPort must be 1 (SPI2)");
  for (const g of psramPins(b.mcu, b.psram)) {
    for (const [name, v] of Object.entries(pins)) if (v === g) say(`pin "${name}": GPIO ${g} belongs to the ${b.psram} PSRAM on ${b.mcu}`);
  }
  if (b.mcu === "esp32") for (const name of outputPins(b)) if (pins[name] >= 34) say(`pin "${name}": GPIO ${pins[name]} is input only on esp32`);
  const e = b.ethernet;
  if (e) {
    if (e.kind === "lan8720") {
      if (b.mcu !== "esp32") say("lan8720 needs the ESP32's RMII MAC (mcu esp32)");
      for (const [name, g] of Object.entries(RMII_PINS)) if (pins[name] !== g) say(`ethernet lan8720: pin "${name}" must be GPIO ${g} (fixed RMII pin)`);
      for (const name of ["ethMdc", "ethMdio"]) if (!(name in pins)) say(`ethernet lan8720: pin "${name}" missing`);
      const clockPin = e.clock === "gpio0-in" ? 0 : e.clock === "gpio16-out" ? 16 : e.clock === "gpio17-out" ? 17 : undefined;
      if (clockPin === undefined) say('ethernet.clock must be "gpio0-in", "gpio16-out" or "gpio17-out"');
      else if (pins.ethRefClk !== clockPin) say(`ethernet clock ${e.clock}: pin "ethRefClk" must be GPIO ${clockPin}`);
      if (!(Number.isInteger(e.phyAddress) && e.phyAddress! >= 0 && e.phyAddress! <= 31)) say("ethernet.phyAddress must be 0..31");
    } else if (e.kind === "w5500") {
      for (const name of ["ethSelect", "ethInt"]) if (!(name in pins)) say(`ethernet w5500: pin "${name}" missing`);
      if (e.spiPort !== 1 && e.spiPort !== 2) say("ethernet.spiPort must be 1 or 2");
      else if (b.mcu === "esp32c3" && e.spiPort !== 1) say("esp32c3: ethernet.spiPort must be 1 (SPI2)");
      const shared = b.radio && e.spiPort === b.radio.spiPort;
      const own = ["ethSck", "ethMosi", "ethMiso"];
      if (shared) {
        for (const name of own) if (name in pins) say(`ethernet shares SPI host ${e.spiPort} with the radio: remove "${name}" (the bus pins are sck/mosi/miso)`);
      } else {
        for (const name of own) if (!(name in pins)) say(`ethernet on its own SPI host ${e.spiPort}: pin "${name}" missing`);
      }
      if (!(Number.isInteger(e.spiHz) && e.spiHz! >= 1_000_000 && e.spiHz! <= 80_000_000)) say("ethernet.spiHz must be 1..80 MHz (W5500 SPI limit 80 MHz)");
    } else say(`unknown ethernet kind "${(e as { kind: unknown }).kind}"`);
  }
  const f = b.fem;
  if (f) {
    const roles = FEM_ROLES[f.chip];
    if (!roles) say(`unknown fem chip "${f.chip}"`);
    for (const role of roles ?? []) {
      const pin = f.pins?.[role];
      if (pin === undefined || !(pin in pins)) say(`fem ${f.chip}: role "${role}" needs a pin named in pins`);
      for (const state of ["receive", "transmit"] as const) {
        const level = f[state]?.[role];
        if (level !== 0 && level !== 1) say(`fem ${f.chip}: ${state}.${role} must be 0 or 1`);
      }
    }
  }
  return problems;
}

/**
 * Strapping pins the board uses, each with the reason the board gives (`strappingOk`), or without one.
 * The BOOT button on its strapping pin is the intended use and is not listed.
 */
export function strappingUses(b: BoardDescription): { name: string; gpio: number; reason?: string }[] {
  const out: { name: string; gpio: number; reason?: string }[] = [];
  const straps = STRAPPING[b.mcu] ?? [];
  for (const [name, g] of Object.entries(b.pins ?? {})) {
    if (!straps.includes(g)) continue;
    if (name === "button" && g === BOOT_BUTTON[b.mcu]) continue;
    out.push({ name, gpio: g, reason: b.strappingOk?.[name] });
  }
  return out;
}

/** The FEM pin levels for one radio state, for the driver to set before entering it. */
export function femLevels(b: BoardDescription, state: "receive" | "transmit"): { pin: number; level: 0 | 1 }[] {
  const f = b.fem;
  if (!f) return [];
  return Object.keys(f.pins).map((role) => ({ pin: b.pins[f.pins[role]], level: f[state][role] }));
}
