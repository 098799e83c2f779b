/**
 * The fields of a decoded telegram, in the encoder's terms: what the decoder learnt, layer by layer, turned
 * back into TelegramFields so that encodeTelegram rebuilds the frame (a relay, a resealed frame, the
 * decode → encode round trip). Records become numbers where the decoder read a number; everything else
 * (dates, texts, manufacturer data, compact-frame data) is carried as its bytes.
 */
import { fromHex } from "../util/hex.js";
import { DATA_FIELDS } from "../application/dif.js";
import { parseRecordHeader } from "../application/record-shape.js";
import type { AplItem, RecordFields } from "../application/record-encode.js";
import type { DataRecord } from "../application/record.js";
import type { Telegram } from "../telegram.js";
import type { TelegramFields } from "./encode.js";

function gap(items: AplItem[], b: Uint8Array, from: number, to: number): void {
  if (to <= from) return;
  let fillers = true;
  for (let i = from; i < to; i++) if (b[i] !== 0x2f) fillers = false;
  items.push(fillers ? { kind: "filler", count: to - from } : { kind: "raw", bytes: b.slice(from, to) });
}

function recordFields(r: DataRecord): RecordFields | undefined {
  if (r.vif === null) return undefined; // 0F/1F manufacturer data: carried as bytes
  const h = fromHex(r.header);
  let difes = 0;
  while (h[difes] & 0x80) difes++;
  const f: RecordFields = {
    dataField: r.dif & 0x0f, function: r.function, storage: r.storage, tariff: r.tariff, subunit: r.subunit,
    difes, vib: h.slice(1 + difes),
  };
  const coding = DATA_FIELDS[f.dataField].coding;
  const info = parseRecordHeader(h, 0, h.length).info;
  const numeric = (info.kind === "num" || info.kind === "unsigned") && info.additive === undefined &&
    typeof r.value === "number" && r.error === undefined && (coding === "int" || coding === "bcd" || coding === "real");
  if (numeric) {
    f.value = r.value as number;
    f.exponent = info.exponent;
  } else f.data = fromHex(r.data);
  return f;
}

function aplItems(t: Telegram): AplItem[] {
  const b = t.bytes;
  const items: AplItem[] = [];
  if (t.fixed) {
    // CI 73/77 and its 16 bytes (and any tail) as they are: writeFixedStructure builds new ones
    gap(items, b, t.aplStart - 1, t.aplEnd);
    return items;
  }
  if (!t.tpl || t.tpl.info.payload !== "full") {
    gap(items, b, t.aplStart, t.aplEnd);
    return items;
  }
  let pos = t.aplStart;
  for (const r of t.records) {
    gap(items, b, pos, r.offset);
    const len = (r.header.length + r.data.length) / 2;
    const f = recordFields(r);
    items.push(f ? { kind: "record", record: f } : { kind: "raw", bytes: b.slice(r.offset, r.offset + len) });
    pos = r.offset + len;
  }
  gap(items, b, pos, t.aplEnd);
  return items;
}

/** `input` (the frame as received) supplies bytes after the frame; without it they are dropped. */
export function telegramFields(t: Telegram, input?: Uint8Array): TelegramFields {
  const f: TelegramFields = { apl: aplItems(t), crc: t.dllCrc };
  if (t.dll) f.dll = { c: t.dll.c, address: t.dll.address.bytes };
  if (t.wired) f.wired = { c: t.wired.c, a: t.wired.a };
  if (t.ell) {
    const e = t.ell;
    f.ell = { ci: e.ci as 0x8c, cc: e.cc, acc: e.acc, receiver: e.receiver?.bytes, sn: e.sn, encrypt: t.security.includes("ell_ctr") };
  }
  if (t.afl) {
    const a = t.afl;
    f.afl = { fcl: a.fcl, mcl: a.mcl, ki: a.ki, mcr: a.mcr, ml: a.ml, mac: a.mac };
  }
  if (t.tpl) {
    const p = t.tpl;
    f.tpl = {
      ci: p.ci, address: p.address?.bytes, acc: p.acc, sts: p.sts, cfg: p.cfg, cfgExt: p.cfgExt, counter: p.counterBytes,
      keyVersion: p.keyVersion, encrypt: t.security.includes("mode5") || t.security.includes("mode7"),
    };
  }
  if (input) {
    const frameEnd = t.wired ? t.aplEnd + 2 : input.length - t.trailing;
    if (input.length > frameEnd) f.trailing = input.slice(frameEnd);
  }
  return f;
}
