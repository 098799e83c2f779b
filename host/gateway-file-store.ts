/**
 * The host's stand-in for the device preferences: a KeyValueStore whose gateway settings entry (CONFIG_KEY)
 * is a plain, hand-editable JSON file, written atomically (temporary file + rename) with owner-only access
 * because it holds keys and passwords. Other entries stay in memory.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { CONFIG_KEY } from "../firmware/gateway/config.js";
import type { KeyValueStore } from "../firmware/platform/services.js";

export class SettingsFileStore implements KeyValueStore {
  readonly #other = new Map<string, string>();

  constructor(readonly path: string) {}

  get(key: string): string | undefined {
    if (key !== CONFIG_KEY) return this.#other.get(key);
    return existsSync(this.path) ? readFileSync(this.path, "utf8") : undefined;
  }

  set(key: string, value: string): void {
    if (key !== CONFIG_KEY) {
      this.#other.set(key, value);
      return;
    }
    let text = value;
    try {
      text = JSON.stringify(JSON.parse(value), null, 2) + "\n"; // pretty for hand editing
    } catch {
      // not JSON: stored as given, loadConfig reports it
    }
    const tmp = this.path + ".tmp";
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  delete(key: string): void {
    if (key === CONFIG_KEY) {
      if (existsSync(this.path)) writeFileSync(this.path, "{}\n", { mode: 0o600 });
    } else this.#other.delete(key);
  }
}
