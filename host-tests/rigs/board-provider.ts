/**
 * The board provider on the host: runs boards/common/provider.js (the device's `device` global, the one place
 * where pins become io) with the simulator's io classes in place of `embedded:io/digital` / `embedded:io/spi`
 * and a board's pins.json in place of `wmbus/board`, and hands its `peripheral.radio` bundles to the firmware's
 * create-radio.ts, exactly as firmware/main.ts does with `device.peripheral.radio`. A rig: it wires the
 * drivers, it is not a chip model.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BoardDescription } from "../../firmware/platform/board.js";
import {
  radioOptionsFromPeripheral, type RadioIoClasses, type RadioPeripheralBundles, type RadioServices,
} from "../../firmware/radio/create-radio.js";
import type { RadioOptions } from "../../firmware/radio/radio.js";

let providerSource: string | null = null;

function providerText(): string {
  if (providerSource !== null) return providerSource;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, "boards", "common", "provider.js");
    if (existsSync(p)) return (providerSource = readFileSync(p, "utf8"));
    dir = dirname(dir);
  }
  throw new Error("boards/common/provider.js not found");
}

/** The `device` global boards/common/provider.js builds for `board` with the given io classes. */
export function boardDevice(board: BoardDescription, io: RadioIoClasses): { peripheral: { radio?: RadioPeripheralBundles } } {
  const text = providerText();
  // the provider's three imports are its only dependencies (platform-manifest.test.ts checks them)
  const body = text.replace(/^import .*$/gm, "").replace(/^export default device;$/m, "return device;");
  return new Function("Digital", "SPI", "board", body)(io.Digital, io.SPI, board);
}

export function boardPeripheral(board: BoardDescription, io: RadioIoClasses): RadioPeripheralBundles {
  const radio = boardDevice(board, io).peripheral.radio;
  if (!radio) throw new Error(`board ${board.board}: the provider gives no radio peripheral`);
  return radio;
}

/** The driver options for a board, through its provider (what the device gets from `device.peripheral.radio`). */
export function radioOptionsForBoard(board: BoardDescription, io: RadioIoClasses, services: RadioServices): RadioOptions {
  return radioOptionsFromPeripheral(boardPeripheral(board, io), services);
}
