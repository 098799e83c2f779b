import { Reader } from "../util/reader.js";
import { WmbusError, asWmbusError, fail } from "../errors.js";
import { CrcMode, stripDllCrc } from "../link/frame-format.js";
import { readDllHeader } from "../link/dll.js";
import { isWired, parseWired } from "../link/wired.js";
import { ellPayloadCrcOk } from "../security/ell-ctr.js";
import { readEll } from "../ell/ell.js";
import { readAfl } from "../afl/afl.js";
import { ciInfo } from "../transport/ci-table.js";
import { readTpl } from "../transport/tpl.js";
import { hex8 } from "../util/hex.js";
import { decodeApl } from "./apl-dispatch.js";
import { decodeFixedStructure } from "./fixed-structure.js";
import { parseRecordsWithHeaders } from "../application/records.js";
import type { FormatCache } from "../application/compact.js";
import type { DecodeResult, SecurityHook, Telegram } from "../telegram.js";
import type { KeyProvider, PassCounter } from "../vocabulary.js";
import { CiChain, resumeCiChain, walkCiChain } from "../transport/ci-chain.js";
import { meterKey } from "../security/key-store.js";
import { deepFreeze } from "../util/freeze.js";

export interface DecodeOptions {
  crc?: CrcMode;
  /**
   * The input is a wireless frame without DLL CRCs, which the radio checked as frame format A or B and removed
   * (RadioFrame.stripped): the decoder does not look for CRCs again. `crc` is then ignored.
   */
  checked?: "A" | "B";
  /** The CI-chain walk of this input, done by the caller (the gateway's telegram id): the decoder does not walk again. */
  chain?: CiChain;
  /** Where the decoder walks when no walk is handed in (one CiChain per decoder, no allocation per frame). */
  walkInto?: CiChain;
  /** Counts DLL CRC strips and CI-chain walks (tests of "strip once, walk once"). */
  counter?: PassCounter;
  formats?: FormatCache;
  security?: SecurityHook;
  /** Where the meter keys come from (tried for the TPL long-header address first, then the DLL address). */
  keys?: KeyProvider;
}

function newTelegram(bytes: Uint8Array): Telegram {
  return {
    format: "wmbus", bytes, dllCrc: "none", trailing: 0, ciChain: [], payloadState: "none", security: [],
    records: [], aplStart: 0, aplEnd: 0, warnings: [],
  };
}

/** Decodes one telegram. Never throws: malformed input yields ok:false with a WmbusError and what was parsed. */
export function decodeTelegram(input: Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  const t = newTelegram(input);
  try {
    decodeInto(t, input, opts);
    return { ok: true, telegram: t };
  } catch (e) {
    return { ok: false, telegram: t, error: asWmbusError(e) };
  }
}

function decodeInto(t: Telegram, input: Uint8Array, opts: DecodeOptions): void {
  if (input.length === 0) fail("empty", "no bytes", 0);
  if (isWired(input)) return decodeWired(t, input, opts);
  if (opts.checked) {
    // The radio checked the CRCs and removed them; the private copy is for decryption, which writes in place.
    const l = input[0];
    if (input.length < l + 1) fail("truncated", `L-field says ${l} bytes follow, only ${input.length - 1} present`, input.length);
    t.bytes = input.slice(0, l + 1);
    t.dllCrc = opts.checked;
    t.trailing = input.length - (l + 1);
  } else {
    if (opts.counter) opts.counter.crcStrips++;
    const s = stripDllCrc(input, opts.crc ?? "auto");
    // private copy: decryption writes plaintext in place. A frame whose CRCs were stripped already is a
    // new buffer (Stripped.bytes), so only a frame taken as it came ("none") is copied.
    t.bytes = s.kind === "none" ? s.bytes.slice() : s.bytes;
    t.dllCrc = s.kind;
    t.trailing = s.trailing;
  }
  const r = new Reader(t.bytes);
  if (t.bytes[0] < 9) fail("bad_length", `L-field ${t.bytes[0]} is shorter than the 9-byte link header`, 0);
  t.dll = readDllHeader(r);
  t.meter = t.dll.address;
  if (r.remaining === 0) {
    t.aplStart = t.aplEnd = r.pos;
    return; // link-only frame (e.g. ACK)
  }
  decodeChain(t, r, opts, chainFor(input, t.bytes, r, opts));
}

/** The walk handed in when it is of this input from this offset, else a new walk. */
function chainFor(input: Uint8Array, bytes: Uint8Array, r: Reader, opts: DecodeOptions): CiChain {
  const c = opts.chain;
  if (c && c.buf === input && c.start === r.pos) return c;
  return walkCiChain(bytes, r.pos, r.end, opts.walkInto ?? new CiChain(), opts.counter);
}

function decodeWired(t: Telegram, input: Uint8Array, opts: DecodeOptions): void {
  const w = parseWired(input);
  t.bytes = input.slice();
  if (w.kind === "ack") {
    t.format = "mbus_ack";
    return;
  }
  t.wired = { c: w.c, a: w.a };
  if (w.kind === "short") {
    t.format = "mbus_short";
    return;
  }
  t.format = "mbus_long";
  const ci = t.bytes[w.ciOffset];
  if (ci === 0x73 || ci === 0x77) return decodeFixedStructure(t, w.ciOffset, w.end); // EN 1434-3 fixed structure, not a compact frame
  const r = new Reader(t.bytes, w.ciOffset, w.end);
  decodeChain(t, r, opts, walkCiChain(t.bytes, r.pos, r.end, opts.walkInto ?? new CiChain(), opts.counter));
}

/** Reads the layers at the positions the CI-chain walk found ([ELL] [AFL] TPL), then hands the APL to the dispatcher. */
function decodeChain(t: Telegram, r: Reader, opts: DecodeOptions, chain: CiChain): void {
  for (let i = 0; ; i++) {
    if (i === chain.length) chainDefect(chain, r);
    const ci = chain.ci[i];
    r.pos = chain.at[i] + 1;
    t.ciChain.push(ci);
    const info = ciInfo(ci)!;
    if (info.layer === "ell") {
      t.ell = readEll(ci, r);
      if (t.ell.crcOffset !== undefined) handleEllPayload(t, r, opts);
      if (r.remaining === 0) {
        t.aplStart = t.aplEnd = r.pos;
        return;
      }
      // The walk stopped at the ELL's ciphertext; now that it is plaintext the same walk goes on.
      if (chain.status === "encrypted" && i === chain.length - 1) resumeCiChain(t.bytes, r.pos, r.end, chain);
      continue;
    }
    if (info.layer === "afl") {
      t.afl = readAfl(r);
      continue;
    }
    t.tpl = readTpl(ci, info, r);
    if (t.tpl.address) t.meter = t.tpl.address;
    handleTplPayload(t, r, opts);
    t.aplStart = r.pos;
    t.aplEnd = r.end;
    decodeApl(t, opts.formats);
    return;
  }
}

/** The walk ended before a TPL: says why, at the offset where it stopped. */
function chainDefect(chain: CiChain, r: Reader): never {
  const at = chain.stop;
  switch (chain.status) {
    case "unknown_ci":
      fail("unknown_ci", `unknown CI-field 0x${hex8(r.buf[at])}`, at);
    case "too_long":
      fail("unknown_ci", "CI chain too long", at);
    case "second_ell":
      fail("unknown_ci", "second ELL in one frame", at);
    case "second_afl":
      fail("unknown_ci", "second AFL in one frame", at);
    default:
      r.pos = at;
      r.u8("CI-field"); // throws "truncated" naming the missing CI-field
      fail("truncated", `CI-field: the frame ends at offset ${at}`, at);
  }
}

/** ELL II/IV: the payload CRC covers everything after it; with ENC = 1 it is encrypted (EN 13757-4 §13.2.8). */
function handleEllPayload(t: Telegram, r: Reader, opts: DecodeOptions): void {
  const ell = t.ell!;
  const at = ell.crcOffset!;
  const crcOk = (): boolean => ellPayloadCrcOk(t.bytes, at); // ELL exists only in wireless frames: r.end is the frame end
  if (ell.enc === 0) {
    if (!crcOk()) fail("bad_crc", "ELL payload CRC does not match", at);
    t.payloadState = "plaintext";
  } else if (ell.enc !== 1) {
    fail("unsupported_security_mode", `ELL encryption ${ell.enc} is reserved (only 1 = AES-CTR exists)`, at);
  } else if (crcOk()) {
    t.payloadState = "plaintext_in_place";
  } else {
    t.payloadState = "encrypted";
    const key = keyOrFail(t, opts, at);
    opts.security!.decryptEll(t, key); // checks the payload CRC itself: wrong_key naming the meter
    t.security.push("ell_ctr");
    t.payloadState = "decrypted";
  }
  r.pos = at + 2;
}

function handleTplPayload(t: Telegram, r: Reader, opts: DecodeOptions): void {
  const tpl = t.tpl!;
  const mode = tpl.securityMode;
  if (t.payloadState === "none") t.payloadState = "plaintext";
  if (mode === 0) return;
  const p = tpl.payloadOffset;
  const plainStart = r.end - p >= 2 && t.bytes[p] === 0x2f && t.bytes[p + 1] === 0x2f;
  if (plainStart || r.end === p) {
    // Already decrypted by the ELL: the TPL bits then only say the meter could also have used mode 5/7.
    if (r.end > p && t.payloadState !== "decrypted") t.payloadState = "plaintext_in_place";
    return;
  }
  if (RESERVED_MODES[mode] && parsesAsRecords(t.bytes, p, r.end)) {
    // A reserved mode defines no cipher, so nothing says the payload is encrypted; some Diehl/Hydrometer
    // radios set these bits over plain records. Read them, and say so.
    t.warnings.push(`CFG security mode ${mode} is reserved (EN 13757-7 security modes); the payload parses as plain records`);
    return;
  }
  t.payloadState = "encrypted";
  // Without a key the user's next step is to configure one, whatever the mode; say so first.
  // A malformed key counts as "a key is configured": an unsupported mode is the better answer than bad_key.
  let key: Uint8Array | undefined;
  let badKey: WmbusError | undefined;
  try {
    key = keyOrFail(t, opts, p, ` (security mode ${mode})`);
  } catch (e) {
    if (!(e instanceof WmbusError) || e.code !== "bad_key") throw e;
    badKey = e;
  }
  if (mode !== 5 && mode !== 7) {
    if (key) key.fill(0);
    fail("unsupported_security_mode", `security mode ${mode} is not supported (${who(t)})`, p);
  }
  if (!key) throw badKey!;
  opts.security!.decryptTpl(t, key); // checks the leading 2F2F itself: wrong_key naming the meter
  t.security.push(mode === 7 ? "mode7" : "mode5");
  t.payloadState = "decrypted";
}

/** Security modes EN 13757-7 leaves reserved (no cipher defined; docs/protocol.md §5.4): 4, 6, 11, 12, 14, 16–31. */
const RESERVED_MODES: { readonly [mode: number]: true } = deepFreeze({
  4: true, 6: true, 11: true, 12: true, 14: true, 16: true, 17: true, 18: true, 19: true, 20: true, 21: true, 22: true,
  23: true, 24: true, 25: true, 26: true, 27: true, 28: true, 29: true, 30: true, 31: true,
});

/** True when [start, end) is a complete, well-formed list of data records (no junk, no reserved codes). */
function parsesAsRecords(bytes: Uint8Array, start: number, end: number): boolean {
  try {
    return parseRecordsWithHeaders(bytes, start, end).records.length > 0;
  } catch {
    return false;
  }
}

function who(t: Telegram): string {
  const a = t.meter;
  return a ? `meter ${a.id} (${a.manufacturer})` : "meter";
}

/** The meter's key (a copy the hook wipes), or no_key: without AES or without a key the user's next step is the same. */
function keyOrFail(t: Telegram, opts: DecodeOptions, at: number, detail = ""): Uint8Array {
  const key = opts.security && opts.keys ? meterKey(opts.keys, t.tpl?.address, t.dll?.address) : undefined;
  if (!key) fail("no_key", noKeyMessage(t) + detail, at);
  return key;
}

function noKeyMessage(t: Telegram): string {
  return `payload is encrypted and no key is configured for ${who(t)}`;
}

