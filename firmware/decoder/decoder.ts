import { WmbusError } from "../errors.js";
import type { CrcMode } from "../link/frame-format.js";
import { FormatCache } from "../application/compact.js";
import type { MemoSizes } from "../application/format-cache.js";
import { KNOWN_FORMATS } from "../application/known-formats.js";
import type { BlockCipher } from "../security/block-cipher.js";
import { KeyStore, parseKeyHex } from "../security/key-store.js";
import { ReplayGuard } from "../security/replay.js";
import { createSecurityHook } from "../security/telegram-security.js";
import { decodeTelegram, SecurityHook } from "./decode.js";
import type { DecodeResult, Telegram } from "./telegram.js";

export interface DecoderOptions {
  /** AES-128 block service; without it encrypted telegrams end in no_key. */
  cipher?: BlockCipher;
  keys?: KeyStore;
  formats?: FormatCache;
  /**
   * Sizes of the format cache's memos when `formats` is not given (default: the device's,
   * application/format-cache.ts MemoSizes); a host gateway or the CLI gives larger ones.
   */
  memo?: MemoSizes;
  /** When given, authenticated telegrams whose counter is not newer than the last accepted one are `replayed`. */
  replay?: ReplayGuard;
}

export interface DecodeCallOptions {
  /** A key (32 hex digits) for this telegram only; overrides the key store. */
  key?: string;
  crc?: CrcMode;
}

/**
 * A decoder with state: the compact-frame format cache, the key store and the replay guard.
 * One per gateway (or per CLI session). Never throws for telegram content; bad call arguments
 * (e.g. a malformed --key) surface as ok:false results with code bad_key.
 */
export class TelegramDecoder {
  readonly formats: FormatCache;
  readonly keys: KeyStore;
  readonly replay?: ReplayGuard;
  readonly #cipher?: BlockCipher;
  #callKey?: Uint8Array;
  #callKeyError?: WmbusError;
  readonly #hook?: SecurityHook;

  constructor(opts: DecoderOptions = {}) {
    this.formats = opts.formats ?? new FormatCache(256, opts.memo);
    if (!opts.formats) this.formats.import(KNOWN_FORMATS);
    this.keys = opts.keys ?? new KeyStore();
    this.replay = opts.replay;
    this.#cipher = opts.cipher;
    if (this.#cipher) this.#hook = createSecurityHook(this.#cipher, (t) => this.#keyFor(t));
  }

  #keyFor(t: Telegram): Uint8Array | undefined {
    if (this.#callKeyError) throw this.#callKeyError;
    if (this.#callKey) return this.#callKey.slice(); // a copy: the hook may wipe what it gets
    // The TPL long-header address names the meter; the DLL address may be a radio converter's, and a
    // converter can share its id with another meter (corpus: qheat behind DLL 78563412 = a topaseskr's id).
    // So the meter's own address is tried first, the link address second (KeyStore.lookup).
    const dll = t.dll?.address;
    const tpl = t.tpl?.address;
    const first = tpl ?? dll;
    if (!first) return undefined;
    const second = first === tpl ? dll : undefined;
    return this.keys.lookup(first.id, first.manufacturer, second?.id, second?.manufacturer);
  }

  decode(bytes: Uint8Array, opts: DecodeCallOptions = {}): DecodeResult {
    if (opts.key !== undefined) {
      // A malformed key fails only the telegram that needs it (bad_key), so the frame is still shown.
      const k = parseKey(opts.key);
      if (k instanceof WmbusError) this.#callKeyError = k;
      else this.#callKey = k;
    }
    try {
      const res = decodeTelegram(bytes, { crc: opts.crc, formats: this.formats, security: this.#hook });
      if (res.ok && this.replay) checkReplay(this.replay, res);
      if (res.ok && this.#callKeyError) res.telegram.warnings.push("the given key was not used: " + this.#callKeyError.message);
      return res;
    } finally {
      if (this.#callKey) this.#callKey.fill(0);
      this.#callKey = undefined;
      this.#callKeyError = undefined;
    }
  }
}

function parseKey(hex: string): Uint8Array | WmbusError {
  const clean = hex.replace(/[\s_|#:]/g, "");
  return parseKeyHex(clean) ?? new WmbusError("bad_key", `key must be 32 hex digits (AES-128), got ${clean.length} characters`);
}

/** Replay check on authenticated telegrams only (EN 13757-7 §9.5.3): AFL MCR, else ELL SN, else TPL ACC. */
function checkReplay(guard: ReplayGuard, res: DecodeResult): void {
  const t = res.telegram;
  if (t.payloadState !== "decrypted" || !t.meter) return;
  const meter = t.meter.manufacturer + t.meter.id;
  let kind: "mcr" | "sn" | "acc";
  let value: number | undefined;
  if (t.afl?.mcr !== undefined) { kind = "mcr"; value = t.afl.mcr; }
  else if (t.ell?.sn !== undefined) { kind = "sn"; value = t.ell.sn & 0x1fffffff; }
  else { kind = "acc"; value = t.tpl?.acc; }
  if (value === undefined) return;
  if (guard.accept(meter, kind, value) === "replayed") {
    res.ok = false;
    res.error = new WmbusError("replayed", `meter ${t.meter.id} (${t.meter.manufacturer}): ${kind.toUpperCase()} ${value} is not newer than the last accepted one`);
  }
}
