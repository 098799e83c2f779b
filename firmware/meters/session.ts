/**
 * A reading session: one decoder (compact-frame formats, keys) plus the last reading of every
 * meter, as a gateway keeps them. Fields a telegram does not carry keep their previous values
 * (meters that alternate short and long frames, as wmbusmeters prints them).
 */
import type { TelegramDecoder } from "../decoder/decoder.js";
import type { DecodeResult } from "../telegram.js";
import { makeReading, type ReadingOptions } from "./reading.js";
import type { Reading } from "./types.js";
import type { KeyProvider } from "../vocabulary.js";
import { SingleKey, UNUSED_KEY_WARNING } from "../security/key-store.js";
import { ReadingPlans } from "./plans.js";
import type { CrcMode } from "../link/frame-format.js";
import type { CiChain } from "../transport/ci-chain.js";
import type { UserDrivers } from "./user-drivers.js";

export interface SessionReadOptions extends Omit<ReadingOptions, "previous" | "error" | "keys" | "cipher" | "plans" | "drivers"> {
  /** Keys for this telegram only; otherwise the decoder's key provider. */
  keys?: KeyProvider;
  /** One key (32 hex digits) for this telegram only (the CLI's --key), for the decoder and the reading alike. */
  key?: string;
  /** DLL CRC handling (default "auto"). */
  crc?: CrcMode;
  /**
   * Whether the reading may become the meter's last reading (the base of the next one). A caller that will
   * refuse the telegram (e.g. the gateway's no-downgrade rule) says no, so a refused telegram leaves no trace.
   */
  keep?: (result: DecodeResult) => boolean;
  /** The bytes are without DLL CRCs, which the radio checked as this frame format (the decoder does not look again). */
  checked?: "A" | "B";
  /** The CI-chain walk of these bytes, when the caller did it (the gateway's telegram id). */
  chain?: CiChain;
}

export class ReadingSession {
  readonly decoder: TelegramDecoder;
  readonly #last = new Map<string, Reading>();
  /** What the reading engine keeps between telegrams (field names, rule and flag plans, driver detection). */
  readonly #plans: ReadingPlans;
  /** Drivers the user added (the gateway sets them from its settings, the CLI from --drivers). */
  drivers: UserDrivers | undefined = undefined;

  /** The readings use the decoder's AES service and key provider: one key path for OMS and manufacturer security. */
  constructor(decoder: TelegramDecoder) {
    this.decoder = decoder;
    // rule picks for as many frame formats as the decoder keeps (plans.ts pickEntries)
    this.#plans = new ReadingPlans(undefined, decoder.formats.frameMemo);
  }

  /** Decodes a telegram without making a reading (e.g. a full frame that teaches a compact format). */
  feed(bytes: Uint8Array, key?: string, crc?: CrcMode): DecodeResult {
    return this.decoder.decode(bytes, { key, crc });
  }

  /** Decodes a telegram and makes its reading. */
  read(bytes: Uint8Array, opts: SessionReadOptions): { result: DecodeResult; reading: Reading } {
    const single = opts.key !== undefined ? new SingleKey(opts.key) : undefined;
    try {
      const out = this.#read(bytes, single ?? opts.keys ?? this.decoder.keys, opts);
      if (single && !single.valid && out.result.ok) out.result.telegram.warnings.push(UNUSED_KEY_WARNING);
      return out;
    } finally {
      if (single) single.wipe();
    }
  }

  #read(bytes: Uint8Array, keys: KeyProvider, opts: SessionReadOptions): { result: DecodeResult; reading: Reading } {
    const result = this.decoder.decode(bytes, { keys, crc: opts.crc, checked: opts.checked, chain: opts.chain });
    const meter = result.telegram.meter;
    const slot = (opts.driver ?? "") + "/" + (meter ? meter.id : "");
    // every option spelt out (the type makes a new ReadingOptions member a compile error here): a rest/spread
    // copy of `opts` was the slowest step of a CLI line on Node
    const readingOpts: { [K in keyof Required<ReadingOptions>]: ReadingOptions[K] } = {
      meterKeyUsed: opts.meterKeyUsed, name: opts.name, driver: opts.driver, timestamp: opts.timestamp, rssi_dbm: opts.rssi_dbm,
      conversions: opts.conversions, extra: opts.extra, fieldOrigin: opts.fieldOrigin, calculate: opts.calculate, device: opts.device,
      cipher: this.decoder.cipher, keys, previous: this.#last.get(slot), error: result.error, raw: opts.raw ?? bytes, plans: this.#plans, drivers: this.drivers,
    };
    const reading = makeReading(result.telegram, readingOpts);
    if (!opts.keep || opts.keep(result)) this.#last.set(slot, reading);
    return { result, reading };
  }

  /** What the reading engine keeps between telegrams (for diagnostics and tests). */
  get plans(): ReadingPlans {
    return this.#plans;
  }

  /** The last reading of every meter seen, by "driver/id" (a meter may change manufacturer code between frames). */
  get last(): ReadonlyMap<string, Reading> {
    return this.#last;
  }
}
