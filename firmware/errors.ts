/**
 * The one error type of the protocol core. Every malformed input ends in a WmbusError with a
 * machine-readable `code`, a human message and the byte offset (into the telegram as given)
 * where the problem was found. Decoders never throw anything else.
 */
export type ErrorCode =
  | "bad_hex" // input text is not hex
  | "empty" // no bytes at all
  | "truncated" // a field runs past the end of the buffer
  | "bad_length" // L-field disagrees with the buffer
  | "bad_crc" // DLL block CRC, ELL payload CRC or wired checksum
  | "bad_frame" // wired M-Bus start/stop bytes wrong
  | "unknown_ci" // CI value with no known layout
  | "bad_dif" // reserved/invalid DIF
  | "too_many_dife" // more than 10 DIFE
  | "too_many_vife" // more than 10 VIFE
  | "bad_vif" // reserved/invalid VIF
  | "bad_lvar" // reserved LVAR value
  | "unknown_format_signature" // compact frame whose format was never learnt
  | "bad_full_frame_crc" // compact frame rebuilt, full-frame CRC wrong
  | "encrypted" // payload is encrypted and no decryption was attempted
  | "no_key"
  | "wrong_key"
  | "mac_mismatch"
  | "unsupported_security_mode"
  | "replayed"
  | "not_wmbus"
  | "bad_key"
  | "bad_argument";

export class WmbusError extends Error {
  // A class field, not `this.name = …`: on the device the XS linker freezes Error.prototype after preload,
  // and assigning an inherited read-only property would throw.
  override readonly name = "WmbusError";
  readonly code: ErrorCode;
  readonly offset: number;
  constructor(code: ErrorCode, message: string, offset = -1) {
    const limit = V8_LIMIT ? stackLimit(0) : undefined;
    super(message);
    if (V8_LIMIT) stackLimit(limit);
    this.code = code;
    this.offset = offset;
  }
  toJSON(): { code: ErrorCode; message: string; offset: number } {
    return { code: this.code, message: this.message, offset: this.offset };
  }
}

/**
 * A WmbusError reports bad input, not a fault in the code, so it needs no stack trace; V8 would spend
 * more time capturing one than decoding the telegram (Node bench). `Error.stackTraceLimit` exists only
 * in V8: elsewhere (XS, where the linker may freeze Error) nothing is touched.
 */
const V8_LIMIT = typeof (Error as { stackTraceLimit?: number }).stackTraceLimit === "number";

/** Sets V8's Error.stackTraceLimit and returns the previous value (V8 only; the caller checks V8_LIMIT). */
function stackLimit(n: number | undefined): number | undefined {
  const e = Error as { stackTraceLimit?: number };
  const was = e.stackTraceLimit;
  e.stackTraceLimit = n;
  return was;
}

export function fail(code: ErrorCode, message: string, offset = -1): never {
  throw new WmbusError(code, message, offset);
}

/** Wraps anything thrown below into a WmbusError, so callers only ever see one type. */
export function asWmbusError(e: unknown): WmbusError {
  if (e instanceof WmbusError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new WmbusError("bad_frame", "internal decoder fault: " + msg);
}
