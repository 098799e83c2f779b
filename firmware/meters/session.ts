/**
 * A reading session: one decoder (compact-frame formats, keys) plus the last reading of every
 * meter, as a gateway keeps them. Fields a telegram does not carry keep their previous values
 * (meters that alternate short and long frames, as wmbusmeters prints them).
 */
import type { TelegramDecoder } from "../decoder/decoder.js";
import type { DecodeResult } from "../decoder/telegram.js";
import { makeReading, type ReadingOptions } from "./reading.js";
import type { Reading } from "./types.js";
import { ReadingPlans } from "./plans.js";
import type { BlockCipher } from "../security/block-cipher.js";
import type { CrcMode } from "../link/frame-format.js";

export interface SessionReadOptions extends Omit<ReadingOptions, "previous" | "error" | "raw" | "plans"> {
  /** AES key for this telegram only (32 hex digits). */
  key?: string;
  /** DLL CRC handling (default "auto"). */
  crc?: CrcMode;
  /**
   * Whether the reading may become the meter's last reading (the base of the next one). A caller that will
   * refuse the telegram (e.g. the gateway's no-downgrade rule) says no, so a refused telegram leaves no trace.
   */
  keep?: (result: DecodeResult) => boolean;
}

export class ReadingSession {
  readonly decoder: TelegramDecoder;
  /** AES service for manufacturer-specific encryption (passed to makeReading with the key). */
  readonly cipher?: BlockCipher;
  readonly #last = new Map<string, Reading>();
  /** What the reading engine keeps between telegrams (field names, rule and flag plans, driver detection). */
  readonly #plans = new ReadingPlans();

  constructor(decoder: TelegramDecoder, cipher?: BlockCipher) {
    this.decoder = decoder;
    this.cipher = cipher;
  }

  /** Decodes a telegram without making a reading (e.g. a full frame that teaches a compact format). */
  feed(bytes: Uint8Array, key?: string, crc?: CrcMode): DecodeResult {
    return this.decoder.decode(bytes, { key, crc });
  }

  /** Decodes a telegram and makes its reading. */
  read(bytes: Uint8Array, opts: SessionReadOptions): { result: DecodeResult; reading: Reading } {
    const result = this.feed(bytes, opts.key, opts.crc);
    const meter = result.telegram.meter;
    const slot = (opts.driver ?? "") + "/" + (meter ? meter.id : "");
    const { keep: _keep, ...readingOpts } = opts;
    const reading = makeReading(result.telegram, {
      ...readingOpts, cipher: opts.cipher ?? this.cipher, previous: this.#last.get(slot), error: result.error, raw: bytes, plans: this.#plans,
    });
    if (!opts.keep || opts.keep(result)) this.#last.set(slot, reading);
    return { result, reading };
  }

  /** The last reading of every meter seen, by "driver/id" (a meter may change manufacturer code between frames). */
  get last(): ReadonlyMap<string, Reading> {
    return this.#last;
  }
}
