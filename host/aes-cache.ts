/**
 * A tiny most-recently-used cache of per-key state (key schedules, cipher objects) for the host
 * AES backends. Keys are compared byte by byte and kept only as private copies; nothing here is
 * ever logged or serialised. Pure TypeScript, no Node API (usable in the XS bundle too).
 */
export class KeyedCache<T> {
  readonly #capacity: number;
  readonly #keys: Uint8Array[] = [];
  readonly #values: T[] = [];

  constructor(capacity = 8) {
    this.#capacity = capacity;
  }

  get(key: Uint8Array, make: (key: Uint8Array) => T): T {
    for (let i = 0; i < this.#keys.length; i++) {
      const k = this.#keys[i];
      let same = k.length === key.length;
      for (let j = 0; same && j < k.length; j++) same = k[j] === key[j];
      if (same) {
        if (i !== 0) {
          // move to front
          const v = this.#values[i];
          this.#keys.splice(i, 1);
          this.#values.splice(i, 1);
          this.#keys.unshift(k);
          this.#values.unshift(v);
          return v;
        }
        return this.#values[0];
      }
    }
    const copy = key.slice();
    const v = make(copy);
    this.#keys.unshift(copy);
    this.#values.unshift(v);
    if (this.#keys.length > this.#capacity) {
      const old = this.#keys.pop();
      this.#values.pop();
      old?.fill(0);
    }
    return v;
  }

  clear(): void {
    for (const k of this.#keys) k.fill(0);
    this.#keys.length = 0;
    this.#values.length = 0;
  }

  toJSON(): string {
    return "KeyedCache";
  }
}
