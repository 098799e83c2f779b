import { WmbusError } from "../errors.js";
import type { CrcMode } from "../link/frame-format.js";
import { FormatCache } from "../application/compact.js";
import type { MemoSizes } from "../application/format-cache.js";
import { KNOWN_FORMATS } from "../application/known-formats.js";
import type { BlockCipher } from "../security/block-cipher.js";
import { KeyStore, SingleKey, UNUSED_KEY_WARNING } from "../security/key-store.js";
import { ReplayGuard } from "../security/replay.js";
import { createSecurityHook } from "../security/telegram-security.js";
import type { KeyProvider, PassCounter } from "../vocabulary.js";
import { CiChain } from "../transport/ci-chain.js";
import { decodeTelegram } from "./decode.js";
import type { SecurityHook } from "../telegram.js";
import type { DecodeResult } from "../telegram.js";

export interface DecoderOptions {
  /** AES-128 block service; without it encrypted telegrams end in no_key. */
  cipher?: BlockCipher;
  /** The one key provider (default: an empty KeyStore), used for OMS security and by the readings. */
  keys?: KeyProvider;
  formats?: FormatCache;
  /**
   * Sizes of the format cache's memos when `formats` is not given (default: the device's,
   * application/format-cache.ts MemoSizes); a host gateway or the CLI gives larger ones.
   */
  memo?: MemoSizes;
  /** When given, authenticated telegrams whose counter is not newer than the last accepted one are `replayed`. */
  replay?: ReplayGuard;
  /** Counts CRC strips and CI-chain walks (tests, bench). */
  counter?: PassCounter;
}

export interface DecodeCallOptions {
  /** Keys for this telegram only, instead of the decoder's provider. */
  keys?: KeyProvider;
  /** One key (32 hex digits) for this telegram only, e.g. the CLI's --key: shorthand for `keys: new SingleKey(key)`. */
  key?: string;
  crc?: CrcMode;
  /** The bytes are a frame without DLL CRCs, checked by the radio as this frame format (see DecodeOptions.checked). */
  checked?: "A" | "B";
  /** The CI-chain walk of these bytes, when the caller did it (the gateway's telegram id). */
  chain?: CiChain;
}

/**
 * A decoder with state: the compact-frame format cache, the key provider and the replay guard.
 * One per gateway (or per CLI session). Never throws for telegram content; a malformed key surfaces as an
 * ok:false result with code bad_key for the telegram that needs it.
 */
export class TelegramDecoder {
  readonly formats: FormatCache;
  readonly keys: KeyProvider;
  readonly cipher?: BlockCipher;
  readonly replay?: ReplayGuard;
  readonly #hook?: SecurityHook;
  readonly #counter?: PassCounter;
  /** The decoder's own CI-chain walk, reused frame after frame. */
  readonly #chain = new CiChain();

  constructor(opts: DecoderOptions = {}) {
    this.formats = opts.formats ?? new FormatCache(256, opts.memo);
    if (!opts.formats) this.formats.import(KNOWN_FORMATS);
    this.keys = opts.keys ?? new KeyStore();
    this.replay = opts.replay;
    this.cipher = opts.cipher;
    if (opts.cipher) this.#hook = createSecurityHook(opts.cipher);
    this.#counter = opts.counter;
  }

  decode(bytes: Uint8Array, opts: DecodeCallOptions = {}): DecodeResult {
    if (opts.key === undefined) return this.#decode(bytes, opts.keys ?? this.keys, opts);
    const single = new SingleKey(opts.key);
    try {
      const res = this.#decode(bytes, single, opts);
      if (res.ok && !single.valid) res.telegram.warnings.push(UNUSED_KEY_WARNING);
      return res;
    } finally {
      single.wipe();
    }
  }

  #decode(bytes: Uint8Array, keys: KeyProvider, opts: DecodeCallOptions): DecodeResult {
    const res = decodeTelegram(bytes, {
      crc: opts.crc, checked: opts.checked, chain: opts.chain, walkInto: this.#chain, counter: this.#counter, formats: this.formats, security: this.#hook, keys,
    });
    if (res.ok && this.replay) checkReplay(this.replay, res);
    return res;
  }
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
