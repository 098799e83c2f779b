/**
 * The map keys of the compact-format cache (format-cache.ts): "" (global), "mt:MMMM:TT" (manufacturer and
 * device type), "meter:MMMM:ID" (one meter), each followed by "|" and the signature in hex.
 */
import { hex8, hex16 } from "../util/hex.js";

export interface FormatScope {
  /** M-field value (e.g. 0x2C2D for KAM). */
  m?: number;
  /** Device type (medium) byte. */
  deviceType?: number;
  /** Meter id as printed (8 digits); scopes the format to one meter. */
  id?: string;
}

/** Map key prefix of a meter-scoped format (scope.id given). */
export function meterKey(scope: FormatScope): string {
  return `meter:${scope.m === undefined ? "*" : hex16(scope.m)}:${scope.id}`;
}

/** Map key prefix of a manufacturer + device type format (device type undefined: any). */
function spellModelKey(m: number, deviceType: number | undefined): string {
  return `mt:${hex16(m & 0x7fff)}:${deviceType === undefined ? "*" : hex8(deviceType)}`;
}

/**
 * Map keys already spelt, per FormatCache: a gateway hears a few dozen models, and the same string object
 * coming back every time lets the cache's Map hash it once instead of a new concatenation per frame.
 */
export class KeySpeller {
  /** Model keys by M × 512 + device type (256: any). */
  readonly #models = new Map<number, string>();
  /** Model + signature keys by (M × 512 + device type) × 2^16 + signature (exact below 2^41). */
  readonly #modelSigs = new Map<number, string>();

  modelKey(m: number, deviceType: number | undefined): string {
    const n = (m & 0x7fff) * 512 + (deviceType === undefined ? 256 : deviceType & 0xff);
    let key = this.#models.get(n);
    if (key === undefined) {
      key = spellModelKey(m, deviceType);
      if (this.#models.size >= 64) this.#models.clear();
      this.#models.set(n, key);
    }
    return key;
  }

  /** The map key of a model's format: modelKey + "|" + signature hex, spelt once. */
  modelSigKey(m: number, deviceType: number | undefined, signature: number, sig: string): string {
    const n = ((m & 0x7fff) * 512 + (deviceType === undefined ? 256 : deviceType & 0xff)) * 65536 + signature;
    let key = this.#modelSigs.get(n);
    if (key === undefined) {
      key = this.modelKey(m, deviceType) + "|" + sig;
      if (this.#modelSigs.size >= 256) this.#modelSigs.clear();
      this.#modelSigs.set(n, key);
    }
    return key;
  }

  scopeKeys(scope: FormatScope | undefined): string[] {
    const keys: string[] = [];
    if (scope !== undefined) {
      if (scope.id !== undefined) keys.push(meterKey(scope));
      if (scope.m !== undefined) keys.push(this.modelKey(scope.m, scope.deviceType));
    }
    if (keys.length === 0) keys.push("");
    return keys;
  }

  /** Keys tried by lookup: meter, M/type, M/any type, global. */
  lookupKeys(scope: FormatScope): string[] {
    const keys = this.scopeKeys(scope);
    if (scope.m !== undefined && scope.deviceType !== undefined) keys.push(this.modelKey(scope.m, undefined));
    keys.push("");
    return keys;
  }
}
