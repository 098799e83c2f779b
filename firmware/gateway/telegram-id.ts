/**
 * Telegram identity for dedup. The same telegram can reach a gateway directly and through repeaters, and
 * reach several gateways (OMS Vol.1 §2.2, topologies 1–3). A repeater re-sends the meter's bytes but sets the
 * hop/repeat bits and recomputes the DLL CRCs, and may send it in the other frame format. So the id is a hash
 * of the frame *without DLL CRCs* (format A view) with the parts a repeater changes masked:
 *   - ELL CC bits H (0x10, hop count) and R (0x02, repeated access) — EN 13757-4 Table 45, docs/protocol.md §3.2;
 *   - TPL CFG bits 1..0 (R, H) in security modes 0 and 5 — EN 13757-7 §7.6.2, docs/protocol.md §5.4
 *     (mode 7 has no such bits; its access information is in the ELL CC).
 * Everything else (address, ACC, SN, MCR, encrypted payload) is the meter's, so two gateways compute the same
 * id for the same transmission and a head-end can dedup across gateways on it. Pure; no decryption needed.
 */
import { idString } from "../link/dll.js";
import { manufacturerCode } from "../link/manufacturer.js";
import { stripFrameA, stripFrameB } from "../link/frame-format.js";
import { ciInfo } from "../transport/ci-table.js";
import { securityModeOf } from "../transport/tpl.js";
import { CC } from "../ell/ell.js";
import { CiChain, walkCiChain } from "../transport/ci-chain.js";
import type { PassCounter } from "../vocabulary.js";
import { hex8 } from "../util/hex.js";
import type { FrameFormat } from "../vocabulary.js";

/** ELL CC bits a repeater sets (H, R). */
const ELL_CC_REPEATER_BITS = CC.H | CC.R;
/** TPL CFG bits a repeater sets in modes 0/5 (H bit 0, R bit 1). */
const TPL_CFG_REPEATER_BITS = 0x0003;

/** Where the repeater-changed bits sit in a stripped frame (offsets, or -1). */
export interface RepeaterFields {
  /** Offset of the ELL CC byte. */
  ellCc: number;
  /** Offset of the low CFG byte of a mode 0/5 TPL header that is readable without decryption. */
  tplCfg: number;
  /** Offset of the TPL long-header address (ID M V T), the meter behind a converter or repeater. */
  tplAddress: number;
}

/**
 * Finds the ELL CC and the TPL CFG in a stripped wireless frame (L C M A CI …) from its CI-chain walk. The walk
 * stops at an encrypted ELL (the TPL is then inside the ciphertext, which a repeater cannot change).
 */
export function repeaterFields(f: Uint8Array, chain: CiChain = walkCiChain(f, 10, f.length, new CiChain())): RepeaterFields {
  const out: RepeaterFields = { ellCc: -1, tplCfg: -1, tplAddress: -1 };
  if (chain.ellAt >= 0 && !(chain.status === "truncated" && chain.stop === chain.ellAt)) out.ellCc = chain.ellAt + 1;
  const p = chain.tplAt;
  if (p < 0) return out;
  const info = ciInfo(f[p]);
  if (!info || info.layer !== "tpl" || info.header === "none") return out;
  const cfgAt = p + 1 + (info.header === "long" ? 8 : 0) + 2; // after [address] ACC STS
  if (f.length < cfgAt + 2) return out;
  if (info.header === "long") out.tplAddress = p + 1;
  const mode = securityModeOf(f[cfgAt] | (f[cfgAt + 1] << 8));
  if (mode === 0 || mode === 5) out.tplCfg = cfgAt;
  return out;
}

function hex32(v: number): string {
  return hex8(v >>> 24) + hex8(v >>> 16) + hex8(v >>> 8) + hex8(v);
}

export interface TelegramIdentity {
  /** "<MFCT><id>-<16 hex digits>", e.g. "KAM12345678-0F3A…": meter plus a 64-bit content hash. */
  id: string;
  /** The frame without DLL CRCs (L counts the bytes after it, format A view). */
  stripped: Uint8Array;
  /** True when the frame carries a set H or R bit (it came through a repeater). */
  repeated: boolean;
  /** The DLL id and, when the TPL has a long header, its id (8 hex digits, lower case). */
  dllId: string;
  /** The DLL manufacturer (three letters). */
  manufacturer: string;
  tplId?: string;
}

/**
 * Strips the DLL CRCs of `bytes` (frame format `format`) and computes the telegram id. Returns undefined
 * when the CRCs do not verify or the frame is shorter than a DLL header. (The gateway gets frames the radio
 * stripped already and calls `identify`.)
 */
export function telegramIdentity(bytes: Uint8Array, format: FrameFormat): TelegramIdentity | undefined {
  const stripped = format === "B" ? stripFrameB(bytes) : stripFrameA(bytes);
  return stripped ? identify(stripped, new CiChain()) : undefined;
}

/**
 * The telegram id of a frame without DLL CRCs. Walks its CI chain into `chain` (which the decoder then reuses:
 * one walk per frame); `counter` counts the walk. Undefined when the frame is shorter than a DLL header + CI.
 */
export function identify(stripped: Uint8Array, chain: CiChain, counter?: PassCounter): TelegramIdentity | undefined {
  if (stripped.length < 11) return undefined;
  const mask = repeaterFields(stripped, walkCiChain(stripped, 10, stripped.length, chain, counter));
  // FNV-1a (32 bits) twice, with different offset bases (64 bits keep collisions negligible per meter), in one pass
  // over the bytes with the repeater bits masked. Two passes reading the mask from an object per byte made the id
  // about 8 000 XS computrons a frame in the 50-meter apartment replay; one pass saves about 3 000 (docs/performance.md)
  const ellCc = mask.ellCc;
  const tplCfg = mask.tplCfg;
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < stripped.length; i++) {
    let b = stripped[i];
    if (i === ellCc) b &= ~ELL_CC_REPEATER_BITS & 0xff;
    else if (i === tplCfg) b &= ~TPL_CFG_REPEATER_BITS & 0xff;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x01000193);
  }
  h1 >>>= 0;
  h2 >>>= 0;
  const manufacturer = manufacturerCode(stripped[2] | (stripped[3] << 8));
  const dllId = idString(stripped, 4);
  const repeated =
    (mask.ellCc >= 0 && (stripped[mask.ellCc] & ELL_CC_REPEATER_BITS) !== 0) ||
    (mask.tplCfg >= 0 && (stripped[mask.tplCfg] & TPL_CFG_REPEATER_BITS) !== 0);
  const ident: TelegramIdentity = { id: manufacturer + dllId.toUpperCase() + "-" + hex32(h1) + hex32(h2), stripped, repeated, dllId, manufacturer };
  if (mask.tplAddress >= 0) ident.tplId = idString(stripped, mask.tplAddress);
  return ident;
}
