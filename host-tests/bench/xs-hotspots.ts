/**
 * Where the XS cost of the records and readings stages goes (bench --hotspots). Pure, runs under xsnap
 * with `-q`; same marker protocol as xs-harness.ts. For every corpus telegram with a plain or decrypted
 * full-frame APL (decoded once, unmeasured, with node-equivalent results):
 *
 *   "h" recordShapeAt per record (memo)     "v" decodeRecordData per record   (the APL loop, replayed)
 *   "x" the two hex strings a record keeps   "n" decodeValue alone             (parts of "v", re-run alone)
 *   "i" readDif + readVif + resolveVif alone "m" recordName alone              (parts of "h", re-run alone)
 *   "f" applyRules of the meter's driver     "b" vibHex once per record        (parts of the reading)
 *   "g" makeReading as a whole
 * A record index line "r <n records> <n rules with vib>" precedes each telegram's windows.
 */
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { Reader } from "../../firmware/util/reader.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { FormatCache } from "../../firmware/application/compact.js";
import { KNOWN_FORMATS } from "../../firmware/application/known-formats.js";
import { decodeRecordData, recordName, recordShapeAt } from "../../firmware/application/records.js";
import { decodeValue } from "../../firmware/application/values.js";
import { readDif } from "../../firmware/application/dif.js";
import { readVif, resolveVif } from "../../firmware/application/vif.js";
import type { DataRecord } from "../../firmware/application/record.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import type { Telegram } from "../../firmware/telegram.js";
import type { BenchRecord } from "./xs-harness.js";
import { TIMESTAMP } from "./xs-harness.js";

declare const print: (...args: unknown[]) => void;

/** The parts of firmware/meters the hotspot pass uses (injected: that module is owned elsewhere and may change). */
export interface ReadingParts {
  makeReading: (t: Telegram, opts: { name: string; driver?: string; timestamp: string; cipher: BlockCipher; key?: string; plans?: unknown }) => unknown;
  driverByName: (name: string) => { fields: readonly { vib?: string }[] } | undefined;
  detectDriver: (t: Telegram, plans?: never) => { fields: readonly { vib?: string }[] };
  applyRules: (rules: readonly unknown[], records: readonly DataRecord[], out: Record<string, unknown>, origin?: undefined, plans?: never) => void;
  vibHex: (r: DataRecord) => string;
  /** The reading engine's kept work (firmware/meters/plans.ts ReadingPlans), one for the run. */
  plans?: unknown;
}

export function runHotspots(records: readonly BenchRecord[], cipher: BlockCipher, parts: ReadingParts | undefined): void {
  const formats = new FormatCache(256);
  formats.import(KNOWN_FORMATS);
  for (let i = 0; i < 8; i++) {
    print("=");
    print("==");
  }
  for (const rec of records) {
    const key = rec.key !== null && rec.key.length === 32 ? rec.key : undefined;
    const dec = new TelegramDecoder({ cipher, formats });
    for (const p of rec.prelude) dec.decode(fromHex(p), { key });
    const res = dec.decode(fromHex(rec.telegram), { key });
    const t = res.telegram;
    if (!res.ok || t.tpl?.info.payload !== "full" || t.records.length === 0 || t.aplError !== undefined) continue;
    const d = parts ? (rec.driver ? parts.driverByName(rec.driver) : undefined) ?? parts.detectDriver(t, parts.plans as never) : undefined;
    const vibRules = d ? d.fields.filter((f) => f.vib !== undefined).length : 0;
    print("r " + t.records.length + " " + vibRules);
    const buf = t.bytes;
    const end = t.aplEnd;
    let pos = t.aplStart;
    while (pos < end) {
      if (buf[pos] === 0x2f) {
        pos++;
        continue;
      }
      print("<h");
      const h = recordShapeAt(buf, pos, end);
      print(">h");
      const dataPos = pos + h.bytes.length;
      print("<v");
      const { next } = decodeRecordData(h, buf, dataPos, end, pos);
      print(">v");
      print("<x");
      toHex(h.bytes);
      toHex(buf, dataPos, next);
      print(">x");
      if (h.vib !== null) {
        print("<n");
        decodeValue(h.dif, h.info, buf, dataPos, end);
        print(">n");
        print("<i");
        const r = new Reader(buf, pos, end);
        readDif(r);
        resolveVif(readVif(r));
        print(">i");
        print("<m");
        recordName(h.info.quantity, h.info.nameLabels, h.dif);
        print(">m");
      }
      pos = next;
      if (h.dataLength === -2) break;
    }
    if (parts && d) {
      print("<f");
      parts.applyRules(d.fields, t.records, {}, undefined, parts.plans as never);
      print(">f");
      print("<b");
      for (const r of t.records) parts.vibHex(r);
      print(">b");
      print("<g");
      parts.makeReading(t, { name: rec.name, driver: rec.driver ?? undefined, timestamp: TIMESTAMP, cipher, key, plans: parts.plans });
      print(">g");
    }
  }
  print("#");
}
