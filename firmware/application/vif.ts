/**
 * Value information block: VIF, VIFEs and the plain-text unit (EN 13757-3:2018 §6.4), and its
 * resolution into quantity / unit / exponent / labels. Unknown or reserved codes never throw:
 * they resolve to "reserved_vif_XX" style quantities or "vife_XX" labels.
 */
import { fail } from "../errors.js";
import { hex8 } from "../util/hex.js";
import type { Reader } from "../util/reader.js";
import { latin1Reversed } from "./datatypes.js";
import { FB_TABLE } from "./vif-fb.js";
import { FD_TABLE } from "./vif-fd.js";
import { lookupVif, PRIMARY_TABLE, type ValueKind, type VifMeaning } from "./vif-tables.js";
import { COMBINABLE, COMBINABLE_EXT, type VifeMeaning } from "./vife-combinable.js";

/** EN 13757-3 §6.4.1: at most 10 VIFEs (the FB/FD code byte counts as one). */
const MAX_VIFE = 10;

export interface VifChain {
  vif: number;
  vifes: number[];
  /** Plain-text unit (VIF 7C/FC), already reversed into reading order. */
  textUnit?: string;
}

export interface VifInfo {
  quantity: string;
  unit: string;
  exponent: number;
  kind: ValueKind;
  /** All labels from combinable VIFEs, in order. */
  labels: string[];
  /** The labels that change the meaning; they go into the record name. */
  nameLabels: string[];
  /** Additive correction constant 10^additive × VIF unit (VIFE 0x78..0x7B), if any. */
  additive?: number;
  /** Record error reported by the meter through a VIFE. */
  recordError?: string;
}

/**
 * Reads VIF, VIFEs and, for VIF 7C/FC, the plain-text unit (EN 13757-3:2018 table C.2: with
 * FC the VIFEs come first, then the length byte and the ASCII unit, last character first).
 */
export function readVif(r: Reader): VifChain {
  const at = r.pos;
  const vif = r.u8("VIF");
  const vifes: number[] = [];
  let ext = vif & 0x80;
  while (ext) {
    if (vifes.length === MAX_VIFE) {
      fail("too_many_vife", `more than ${MAX_VIFE} VIFEs in the VIB at offset ${at}`, r.pos);
    }
    const b = r.u8("VIFE");
    vifes.push(b);
    ext = b & 0x80;
  }
  const chain: VifChain = { vif, vifes };
  if ((vif & 0x7f) === 0x7c) {
    const n = r.u8("plain-text unit length");
    const p = r.pos;
    r.skip(n, "plain-text unit");
    chain.textUnit = latin1Reversed(r.buf, p, n);
  }
  return chain;
}

function reserved(name: string): VifMeaning {
  return { quantity: name, unit: "", exponent: 0, kind: "num" };
}

/** Meaning of the VIF itself (primary table, FD/FB extension, plain text, any, manufacturer). */
function baseMeaning(chain: VifChain): { m: VifMeaning; next: number; mfct: boolean } {
  const v = chain.vif;
  if ((v === 0xfb || v === 0xfd) && chain.vifes.length > 0) {
    const code = chain.vifes[0] & 0x7f;
    const m = lookupVif(v === 0xfd ? FD_TABLE : FB_TABLE, code);
    return { m: m ?? reserved(`reserved_vif_${v === 0xfd ? "fd" : "fb"}_${hex8(code)}`), next: 1, mfct: false };
  }
  const c = v & 0x7f;
  if (c === 0x7c) return { m: { quantity: "plain_text_unit", unit: chain.textUnit ?? "", exponent: 0, kind: "num" }, next: 0, mfct: false };
  if (c === 0x7e) return { m: reserved("any_vif"), next: 0, mfct: false };
  if (c === 0x7f) return { m: { quantity: "manufacturer_specific", unit: "", exponent: 0, kind: "mfct" }, next: 0, mfct: true };
  return { m: lookupVif(PRIMARY_TABLE, c) ?? reserved(`reserved_vif_${hex8(c)}`), next: 0, mfct: false };
}

function apply(info: VifInfo, e: VifeMeaning): void {
  info.labels.push(e.label);
  if (e.inName !== false) info.nameLabels.push(e.label);
  if (e.kind === "date") {
    info.unit = "";
    info.exponent = 0;
  }
  if (e.kind !== undefined && (e.kind !== "unsigned" || info.kind === "num")) info.kind = e.kind;
  if (e.unit !== undefined) {
    info.unit = e.unit;
    info.exponent = 0;
  }
  if (e.suffix !== undefined) info.unit += e.suffix;
  if (e.recordError !== undefined) info.recordError = e.recordError;
}

function rawLabel(info: VifInfo, label: string): void {
  info.labels.push(label);
  info.nameLabels.push(label);
}

/** Resolves a VIB into quantity, unit, exponent, value kind and labels (EN 13757-3 §6.4). */
export function resolveVif(chain: VifChain): VifInfo {
  const base = baseMeaning(chain);
  const info: VifInfo = {
    quantity: base.m.quantity,
    unit: base.m.unit,
    exponent: base.m.exponent,
    kind: base.m.kind,
    labels: [],
    nameLabels: [],
  };
  let mfct = base.mfct;
  const vifes = chain.vifes;
  for (let i = base.next; i < vifes.length; i++) {
    const b = vifes[i] & 0x7f;
    if (mfct) {
      rawLabel(info, "vife_" + hex8(b)); // manufacturer-specific VIFE: meaning unknown here
    } else if (b >= 0x70 && b <= 0x77) {
      info.exponent += (b & 7) - 6; // multiplicative correction factor 10^(nnn-6)
    } else if (b >= 0x78 && b <= 0x7b) {
      info.additive = (b & 3) - 3; // additive correction constant 10^(nn-3) × unit of VIF
    } else if (b === 0x7d) {
      info.exponent += 3; // multiplicative correction factor 10^3
    } else if (b === 0x7c) {
      // extension of combinable VIFEs: the next byte is a table 16 code
      if (vifes[i] & 0x80 && i + 1 < vifes.length) {
        const c = vifes[++i] & 0x7f;
        const e = COMBINABLE_EXT[c];
        if (e !== undefined) apply(info, e);
        else rawLabel(info, "vife_7C_" + hex8(c));
      } else {
        rawLabel(info, "vife_7C");
      }
    } else if (b === 0x7f) {
      mfct = true; // manufacturer-specific VIFEs follow
    } else {
      const e = COMBINABLE[b];
      if (e !== undefined) apply(info, e);
      else rawLabel(info, "vife_" + hex8(b));
    }
  }
  return info;
}
