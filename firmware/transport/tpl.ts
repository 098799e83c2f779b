import { Reader } from "../util/reader.js";
import { Address, readLongHeaderAddress } from "../link/dll.js";
import { CiInfo } from "./ci-table.js";

/**
 * Transport layer header (EN 13757-7:2018 §7): none / short (ACC STS CFG) / long (ID M V T ACC STS CFG).
 * CFG bits 12..8 are always the security mode (§7.6). Modes 0/5: B A S MMMMM NNNN CC R H.
 * Mode 7 (§7.7.5): CC(15..14) Z(13) MMMMM NNNN P(3) III, then a CFG extension byte
 * (V(6) DD(5..4) KKKK), then an optional 4-byte counter (Z) and key-version byte (V).
 */
export interface TplHeader {
  ci: number;
  info: CiInfo;
  address?: Address; // long header only
  acc?: number;
  sts?: number;
  cfg?: number;
  securityMode: number;
  /** Number of encrypted 16-byte blocks (CFG NNNN), modes 5 and 7. */
  encBlocks: number;
  cfgExt?: number;
  counterBytes?: Uint8Array; // mode 7 with Z
  keyVersion?: number; // mode 7 with V
  /** Offset right after the header: the (possibly encrypted) payload starts here. */
  payloadOffset: number;
}

export function securityModeOf(cfg: number): number {
  return (cfg >> 8) & 0x1f;
}

/** r is positioned after the CI byte. */
export function readTpl(ci: number, info: CiInfo, r: Reader): TplHeader {
  if (info.header === "none") return { ci, info, securityMode: 0, encBlocks: 0, payloadOffset: r.pos };
  const address = info.header === "long" ? readLongHeaderAddress(r) : undefined;
  const p = r.pos;
  let h: TplHeader;
  if (r.end - p >= 4) {
    // ACC STS CFG present: one object with its fields in the order of the checked path below, no call per field
    const b = r.buf;
    const cfg = b[p + 2] | (b[p + 3] << 8);
    r.pos = p + 4;
    const securityMode = (cfg >> 8) & 0x1f; // securityModeOf
    h = address === undefined
      ? { ci, info, securityMode, encBlocks: 0, payloadOffset: 0, acc: b[p], sts: b[p + 1], cfg }
      : { ci, info, securityMode, encBlocks: 0, payloadOffset: 0, address, acc: b[p], sts: b[p + 1], cfg };
  } else {
    h = { ci, info, securityMode: 0, encBlocks: 0, payloadOffset: 0 };
    if (address !== undefined) h.address = address;
    h.acc = r.u8("TPL ACC");
    h.sts = r.u8("TPL STS");
    const cfg = r.u16("TPL CFG");
    h.cfg = cfg;
    h.securityMode = securityModeOf(cfg);
  }
  const cfg = h.cfg!;
  if (h.securityMode === 5 || h.securityMode === 7) h.encBlocks = (cfg >> 4) & 0x0f;
  if (h.securityMode === 7) {
    const ext = r.u8("TPL CFG extension");
    h.cfgExt = ext;
    if (cfg & 0x2000) h.counterBytes = r.bytes(4, "mode 7 message counter");
    if (ext & 0x40) h.keyVersion = r.u8("mode 7 key version");
  }
  h.payloadOffset = r.pos;
  return h;
}

/** STS bits (EN 13757-7 Table 5) as flag names; "OK" when none are set. */
export function statusFlags(sts: number): string {
  const out: string[] = [];
  const app = sts & 3;
  if (app === 1) out.push("BUSY");
  else if (app === 2) out.push("ERROR");
  else if (app === 3) out.push("ALARM");
  if (sts & 0x04) out.push("POWER_LOW");
  if (sts & 0x08) out.push("PERMANENT_ERROR");
  if (sts & 0x10) out.push("TEMPORARY_ERROR");
  if (sts & 0xe0) out.push("MANUFACTURER_" + ((sts >> 5) & 7));
  return out.length ? out.join(" ") : "OK";
}
