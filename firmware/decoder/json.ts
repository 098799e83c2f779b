import { hex8, hex16, toHex } from "../util/hex.js";
import { addressJson } from "../link/dll.js";
import { ccFlags } from "../ell/ell.js";
import { statusFlags } from "../transport/tpl.js";
import type { DecodeResult, Telegram } from "../telegram.js";

/**
 * The stable JSON form of a decoded telegram (CLI and uplinks). Names are a contract:
 * fields may be added, never renamed. Only JSON-safe values (no bigint, no typed arrays).
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

function frameJson(t: Telegram): { [k: string]: Json | undefined } {
  const f: { [k: string]: Json | undefined } = { format: t.format };
  const a = t.format === "wmbus" ? t.dll?.address : t.meter;
  if (a) Object.assign(f, addressJson(a));
  if (t.dll) {
    f.l = t.dll.l;
    f.c = hex8(t.dll.c);
    f.c_name = t.dll.cName;
  }
  if (t.wired) {
    f.c = hex8(t.wired.c);
    f.mbus_address = t.wired.a;
  }
  f.ci = t.ciChain.map(hex8);
  f.security_mode = t.tpl ? t.tpl.securityMode : 0;
  f.dll_crc = t.dllCrc;
  if (t.trailing > 0) f.trailing_bytes = t.trailing;
  if (t.ell) {
    const e = t.ell;
    f.ell = {
      ci: hex8(e.ci), cc: hex8(e.cc), cc_flags: ccFlags(e.cc), acc: hex8(e.acc),
      receiver: e.receiver ? addressJson(e.receiver) : undefined,
      sn: e.snBytes ? toHex(e.snBytes) : undefined, enc: e.snBytes ? e.enc : undefined,
    };
  }
  if (t.afl) {
    const x = t.afl;
    f.afl = {
      afll: x.afll, fcl: hex16(x.fcl), fid: x.fid, more_fragments: x.moreFragments,
      mcl: x.mcl !== undefined ? hex8(x.mcl) : undefined, ki: x.ki !== undefined ? hex16(x.ki) : undefined,
      mcr: x.mcr, mac: x.mac ? toHex(x.mac) : undefined, ml: x.ml,
    };
  }
  if (t.tpl) {
    const p = t.tpl;
    f.tpl = {
      ci: hex8(p.ci), header: p.info.header, kind: p.info.name,
      address: p.address ? addressJson(p.address) : undefined,
      acc: p.acc !== undefined ? hex8(p.acc) : undefined,
      sts: p.sts !== undefined ? hex8(p.sts) : undefined,
      status: p.sts !== undefined ? statusFlags(p.sts) : undefined,
      cfg: p.cfg !== undefined ? hex16(p.cfg) : undefined,
      enc_blocks: p.securityMode === 5 || p.securityMode === 7 ? p.encBlocks : undefined,
      cfg_ext: p.cfgExt !== undefined ? hex8(p.cfgExt) : undefined,
    };
  }
  if (t.fixed) {
    const x = t.fixed;
    f.fixed = {
      ci: hex8(x.ci), id: x.id, acc: hex8(x.acc), status: hex8(x.status), counters: x.status & 1 ? "binary" : "bcd",
      at_fixed_date: (x.status & 2) !== 0, medium: x.medium, unit1: hex8(x.unit1), unit2: hex8(x.unit2),
    };
  }
  if (t.compactSignature !== undefined) f.compact_signature = hex16(t.compactSignature);
  return f;
}

export function resultJson(res: DecodeResult): { [k: string]: Json | undefined } {
  const t = res.telegram;
  const out: { [k: string]: Json | undefined } = { ok: res.ok };
  if (t.dll || t.wired || t.format === "mbus_ack") out.frame = frameJson(t);
  if (t.meter) out.meter = { manufacturer: t.meter.manufacturer, id: t.meter.id };
  out.payload_state = t.payloadState;
  if (t.security.length) out.security = t.security;
  if (res.ok) out.records = t.records as unknown as Json[];
  if (t.manufacturerData) out.manufacturer_data = toHex(t.manufacturerData);
  if (t.aplError) {
    out.apl_error = t.aplError.toJSON();
    out.unparsed = toHex(t.bytes, t.unparsedOffset!, t.aplEnd);
  }
  if (t.warnings.length) out.warnings = t.warnings;
  if (res.error) out.error = res.error.toJSON();
  return out;
}

/** JSON text with undefined members dropped, identical under Node and XS. */
export function stringify(v: unknown): string {
  return JSON.stringify(v);
}
