/**
 * In-memory KeyValueStore for the host and for tests. Pure TypeScript (runs under Node, xsnap and
 * on the device).
 */
import type { KeyValueStore } from "./services.js";

export class MemoryKeyValueStore implements KeyValueStore {
  readonly #map = new Map<string, string>();

  get(key: string): string | undefined {
    return this.#map.get(key);
  }
  set(key: string, value: string): void {
    this.#map.set(key, value);
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
  /** Number of keys (for tests). */
  get size(): number {
    return this.#map.size;
  }
}
