/**
 * Makes a firmware update file for the web upload: our header (firmware/web/ota.ts) + the app image mcconfig built.
 *
 *   node build/host/ota-image.js <app.bin> --board heltec-wifi-lora-32-v3 --version 0.2.0 [-o out.wmbus]
 *
 * The board name must be the target's mc/config `board` (boards/<board>/manifest.json); the gateway refuses others.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildOtaFile, ESP_IMAGE_MAGIC } from "../firmware/web/ota.js";
import { nodeHash } from "./web-crypto-node.js";

export function main(argv: string[]): void {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const input = argv.find((a, i) => !a.startsWith("-") && !["--board", "--version", "-o"].includes(argv[i - 1]));
  const board = get("--board");
  const version = get("--version") ?? "unknown";
  if (!input || !board) throw new Error("usage: ota-image <app.bin> --board <board> --version <v> [-o out.wmbus]");
  const image = new Uint8Array(readFileSync(input));
  if (image[0] !== ESP_IMAGE_MAGIC) throw new Error(`${input} is not an ESP-IDF app image (first byte 0x${image[0]?.toString(16)}, expected 0xe9)`);
  const out = get("-o") ?? input.replace(/\.bin$/, "") + ".wmbus";
  writeFileSync(out, buildOtaFile(nodeHash, image, board, version));
  console.log(`${out}: ${image.length} image bytes for ${board}, version ${version}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
