import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { nodeCipher } from "../../host/aes-node.js";
import { loadCorpus } from "./corpus-helpers.js";
import { one } from "./apl-helpers.js";
import { FormatCache } from "../../firmware/application/compact.js";

/** Decoder corrections found while comparing readings with the corpus (issue 5). */

const corpus = loadCorpus();
const telegram = (index: number): string => corpus.find((r) => r.index === index)!.telegram;

describe("reserved security modes (CFG bits 12..8 = 16..31 and the other reserved codes)", () => {
  it("read a payload that is a complete record list as plaintext and say so (corpus #138 mode 29, #139 mode 24)", () => {
    const dec = new TelegramDecoder();
    for (const [index, mode, volume] of [[138, 29, 71.442], [139, 24, 49.373]] as const) {
      const r = dec.decode(fromHex(telegram(index)));
      expect(r.ok, `#${index}`).toBe(true);
      expect(r.telegram.tpl!.securityMode).toBe(mode);
      expect(r.telegram.payloadState).toBe("plaintext");
      expect(r.telegram.security).toEqual([]);
      expect(r.telegram.warnings.join(" ")).toContain(`security mode ${mode} is reserved`);
      expect(r.telegram.records.find((x) => x.name === "volume")!.value).toBe(volume);
    }
  });

  it("still report a payload that is not plain records (corpus #324, mode 21, ciphertext)", () => {
    const r = new TelegramDecoder().decode(fromHex(telegram(324)));
    expect(r.telegram.tpl!.securityMode).toBe(21);
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe("no_key");
    expect(r.telegram.payloadState).toBe("encrypted");
    expect(r.telegram.records).toEqual([]);
  });

  it("keep modes 5/7 strict: a mode 5 payload without 2F2F is encrypted even when it could parse", () => {
    // corpus #138 with CFG mode 5 instead of 29 (bytes 13..14: 10 7D → 10 05)
    const hex = telegram(138).slice(0, 26) + "1005" + telegram(138).slice(30);
    const r = new TelegramDecoder().decode(fromHex(hex));
    expect(r.telegram.tpl!.securityMode).toBe(5);
    expect(r.error!.code).toBe("no_key");
  });
});

describe("encrypted compact frames", () => {
  it("take the format signature after the 2F2F decryption check (corpus #96) and decode with the derived format", () => {
    const rec = corpus.find((r) => r.index === 96)!;
    const r = new TelegramDecoder({ cipher: nodeCipher() }).decode(fromHex(rec.telegram), { key: rec.key! });
    expect(r.telegram.payloadState).toBe("decrypted");
    expect(r.telegram.compactSignature).toBe(0x052d);
    expect(r.ok).toBe(true); // the full-frame CRC over the rebuilt frame matched
    const v = Object.fromEntries(r.telegram.records.map((x) => [x.name, x.value]));
    expect(v).toMatchObject({ date_storage_1: "2025-12-31", volume_storage_1: 228.854, volume_storage_16: 172.538, date_time: "2026-05-04 11:58", volume: 253.409 });
  });

  it("without a format the error names the real signature, not 2F2F", () => {
    const rec = corpus.find((r) => r.index === 96)!;
    const r = new TelegramDecoder({ cipher: nodeCipher(), formats: new FormatCache() }).decode(fromHex(rec.telegram), { key: rec.key! });
    expect(r.error!.code).toBe("unknown_format_signature");
    expect(r.error!.message).toContain("0x052D");
  });
});

describe("dates with the year 127 (EN 13757-3 Annex A: every year)", () => {
  it("type G prints a year-less ISO date, not 2027", () => {
    expect(one("426CE1F1").value).toBe("--01-01"); // corpus #178, #335: yearly due date 1 January
    expect(one("426CE1F7").value).toBe("--07-01");
    expect(one("426CFF0C").value).toBe("2007-12-31");
  });

  it("type F keeps the time", () => {
    // minute 30, hour 12, day 15 + year bits 7, month 3 + year bits 15 → year 127
    expect(one("046D1E0CEFF3").value).toBe("--03-15 12:30");
  });
});

describe("identification records coded in binary", () => {
  it("print their hex digits like the BCD form (VIF F9 FF 15, FD 11 customer)", () => {
    expect(one("02F9FF150111").value).toBe("1101");
    expect(one("04FD1178563412").value).toBe("12345678");
    expect(one("0C7878563412").value).toBe("12345678"); // BCD fabrication number unchanged
  });
});

describe("pre-seeded Kamstrup flowIQ format 36D4", () => {
  it("decodes corpus #223 without a full frame, and the full-frame CRC confirms the derived header list", () => {
    const r = new TelegramDecoder().decode(fromHex(telegram(223)));
    expect(r.ok).toBe(true);
    expect(r.telegram.compactSignature).toBe(0x36d4);
    const v = Object.fromEntries(r.telegram.records.map((x) => [x.name, x.value]));
    expect(v).toMatchObject({
      volume: 60.77, volume_storage_1: 51.508, date_storage_1: "2026-07-01", flow_temperature_storage_1_min: 17,
      external_temperature_storage_1_min: 15, external_temperature_storage_1_max: 23,
    });
  });
});
