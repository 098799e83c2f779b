/**
 * Device entry (manifest `creation.main`). For now it brings up the decoding core with the native AES and
 * reports readiness; the issue "Gateway" adds the radio driver, dedup, readings and the MQTT/HTTP uplinks.
 * Start-up errors are traced, because the SDK drops an exception thrown while the main module loads.
 */
import "../platform/text-globals.js";
import { TelegramDecoder } from "../decoder/decoder.js";
import { ModdableAes } from "../platform/aes-crypt.js";

export default function main(): void {
  try {
    const decoder = new TelegramDecoder({ cipher: new ModdableAes() });
    trace(`wmbus-gateway: decoder ready, ${decoder.formats.size} compact formats known\n`);
  } catch (e) {
    trace(`wmbus-gateway: start-up failed: ${String(e)}\n`);
  }
}
