import type { Address, DllHeader } from "../link/dll.js";
import type { DllCrcKind } from "../link/frame-format.js";
import type { EllHeader } from "../ell/ell.js";
import type { AflHeader } from "../afl/afl.js";
import type { TplHeader } from "../transport/tpl.js";
import type { DataRecord } from "../application/record.js";
import type { WmbusError } from "../errors.js";
import type { FixedHeader } from "../application/fixed-structure.js";

export type FrameFormat = "wmbus" | "mbus_long" | "mbus_short" | "mbus_ack";

/**
 * How the application payload reached us:
 * plaintext (never encrypted), decrypted (we decrypted it), plaintext_in_place (security bits set but the
 * sender already put plaintext there), encrypted (not decrypted: no key / failure), none (no payload).
 */
export type PayloadState = "plaintext" | "decrypted" | "plaintext_in_place" | "encrypted" | "none";

/** Everything the decoder learnt about one telegram, layer by layer. Offsets refer to `bytes`. */
export interface Telegram {
  format: FrameFormat;
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
