/**
 * The decoded telegram: what every layer above the protocol layers shares (security decrypts it, the decoder
 * fills it, the readings and the gateway read it). It sits just above link/, ell/, afl/, transport/ and
 * application/, whose header types it names, and below security/, decoder/, meters/ and gateway/
 * (docs/architecture.md, folder order). Types only.
 */
import type { Address, DllHeader } from "./link/dll.js";
import type { DllCrcKind } from "./link/frame-format.js";
import type { EllHeader } from "./ell/ell.js";
import type { AflHeader } from "./afl/afl.js";
import type { TplHeader } from "./transport/tpl.js";
import type { DataRecord } from "./application/record.js";
import type { RecordShape } from "./application/record-shape.js";
import type { WmbusError } from "./errors.js";

/** What kind of frame a telegram came in: wireless (EN 13757-4), or wired M-Bus long, short or ACK (EN 13757-2). */
export type FrameKind = "wmbus" | "mbus_long" | "mbus_short" | "mbus_ack";

/**
 * How the application payload reached us:
 * plaintext (never encrypted), decrypted (we decrypted it), plaintext_in_place (security bits set but the
 * sender already put plaintext there), encrypted (not decrypted: no key / failure), none (no payload).
 */
export type PayloadState = "plaintext" | "decrypted" | "plaintext_in_place" | "encrypted" | "none";

/** Header of the wired fixed data structure (EN 1434-3 §6.4, CI 0x73 / 0x77 in a wired frame; decoder/fixed-structure.ts). */
export interface FixedHeader {
  ci: number;
  id: string;
  acc: number;
  status: number;
  /** 4-bit medium code (0 other … 8 HCA, 0xA–0xE the "mode 2" gas/heat/hot water/water/HCA). */
  medium: number;
  unit1: number;
  unit2: number;
}

/** Everything the decoder learnt about one telegram, layer by layer. Offsets refer to `bytes`. */
export interface Telegram {
  format: FrameKind;
  /** Frame without DLL CRCs; encrypted regions are replaced by plaintext once decrypted. */
  bytes: Uint8Array;
  dllCrc: DllCrcKind;
  trailing: number;
  dll?: DllHeader;
  wired?: { c: number; a: number };
  ell?: EllHeader;
  afl?: AflHeader;
  tpl?: TplHeader;
  /** Wired fixed data structure (CI 0x73 / 0x77 in a wired frame), instead of a TPL. */
  fixed?: FixedHeader;
  ciChain: number[];
  /** The meter: TPL long-header address when present, else the DLL address. */
  meter?: Address;
  payloadState: PayloadState;
  /** Which security step ran: e.g. "ell_ctr", "mode5", "mode7", "afl_mac". */
  security: string[];
  records: DataRecord[];
  /**
   * The shape of each record, in order, when the records are a full frame whose shapes the decoder memoises
   * (FormatCache.learnFrame): the same list object for every frame of that format, so the readings work out once
   * per format which record each rule takes (meters/fields.ts RulePicks).
   */
  recordShapes?: readonly RecordShape[];
  /** APL offset range in `bytes`. */
  aplStart: number;
  aplEnd: number;
  compactSignature?: number;
  manufacturerData?: Uint8Array;
  /** APL error that stopped record decoding; records before it are kept (see apl-dispatch). */
  aplError?: WmbusError;
  /** Offset of the first byte not decoded as a record when aplError is set. */
  unparsedOffset?: number;
  warnings: string[];
}

export interface DecodeResult {
  ok: boolean;
  telegram: Telegram;
  error?: WmbusError;
}

/**
 * Decryption is injected: the core decoder knows where the encrypted regions are and asks the key provider
 * for the meter's key; the hook knows AES. Each decrypt method decrypts `t.bytes` in place with the key it is
 * given, verifies the result (ELL payload CRC, TPL 2F2F, AFL MAC) or throws a WmbusError (wrong_key,
 * mac_mismatch, …), and wipes the key before it returns.
 */
export interface SecurityHook {
  decryptEll(t: Telegram, key: Uint8Array): void;
  decryptTpl(t: Telegram, key: Uint8Array): void;
}
