/**
 * Issue #18 acceptance "encoders": for every corpus telegram (both files) that the decoder reads, decode →
 * telegramFields → encodeTelegram gives the input bytes again, DLL CRCs (frame A and B), ELL payload CRC and
 * AES-CTR, AFL CMAC, TPL mode 5 / mode 7 ciphertext and the wired checksum included, under Node and under XS.
 * Records whose value the decoder read as a number are rebuilt from that number, not copied.
 */
import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport, runInNodeAndXs } from "../xs/node-and-xs.js";
import { writeTempModule } from "../xs/xsnap.js";
import { roundTrip, type RoundTrip } from "../xs/encode-runner.js";
import { nodeCipher } from "../../host/aes-node.js";
import { loadCorpus } from "./corpus-helpers.js";

const corpus = loadCorpus();
const cipher = nodeCipher();

/**
 * Records the decoder refuses, so there is nothing to re-encode. Each code is justified; the test fails when
 * a code no longer occurs (the exclusion is then stale).
 * - no_key: encrypted telegrams without a key in the corpus (wmbusmeters tests that only print the header).
 * - wrong_key: the corpus's two deliberate wrong-key tests.
 * - unsupported_security_mode: a security mode the decoder cannot decrypt (decrypt_check "unsupported:…").
 */
const EXCLUDED: Record<string, number> = { no_key: 16, wrong_key: 2, unsupported_security_mode: 1 };

describe("decode → encode over the corpus", () => {
  const results: RoundTrip[] = corpus.map((r) => roundTrip(r, cipher));

  it("rebuilds every decodable telegram byte for byte", () => {
    const bad = results.filter((r) => r.result === "differs" || r.result === "encode_error");
    expect(bad).toEqual([]);
    const undecoded: Record<string, number> = {};
    for (const r of results) if (r.result === "undecoded") undecoded[r.code!] = (undecoded[r.code!] ?? 0) + 1;
    expect(undecoded).toEqual(EXCLUDED);
    expect(results.filter((r) => r.result === "same").length).toBe(corpus.length - 19);
  });

  it("covers every layer and security step (so the round trip proves each encoder)", () => {
    const seen = (s: string) => results.filter((r) => r.result === "same" && ` ${r.layers} `.includes(` ${s} `)).length;
    // The corpus has no frame A with CRCs and no ELL III/IV: STD-1 and STD-8 (encode-vectors.test.ts) cover those.
    for (const s of ["wmbus", "mbus_long", "B", "8c", "8d", "90", "72", "7a", "78", "79", "mode5", "mode7", "ell_ctr", "afl_mac", "plaintext_in_place"]) {
      expect(seen(s), s).toBeGreaterThan(0);
    }
    expect(seen("mode5")).toBeGreaterThanOrEqual(20);
  });

  it("a changed record value changes the bytes (the records are re-encoded, not copied)", async () => {
    const { TelegramDecoder } = await import("../../firmware/decoder/decoder.js");
    const { telegramFields } = await import("../../firmware/encoder/from-telegram.js");
    const { encodeTelegram } = await import("../../firmware/encoder/encode.js");
    const { fromHex } = await import("../../firmware/util/hex.js");
    // STD-4 wired frame: 28504.27 m³ → 28504.28 m³ changes one BCD byte and the checksum
    const t = new TelegramDecoder().decode(fromHex("6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916")).telegram;
    const f = telegramFields(t);
    const rec = f.apl.find((i) => i.kind === "record")!;
    if (rec.kind === "record") rec.record.value = 28504.28;
    const out = encodeTelegram(f);
    expect(out[21]).toBe(0x28);
    expect(out[out.length - 2]).toBe(0x8a);
  });
});

describe("decode → encode under XS", () => {
  it("gives the same results as Node for every corpus record", async () => {
    const data = writeTempModule("encode-corpus-data.js", `export default ${JSON.stringify(corpus.map((r) => ({ index: r.index, telegram: r.telegram, key: r.key, prelude: r.prelude })))};`);
    const src = `
import data from ${JSON.stringify(data)};
import { roundTrip } from ${repoImport("host-tests/xs/encode-runner.ts")};
import { nobleCipher } from ${repoImport("host-tests/support/aes-noble.ts")};
${ENTRY_OUT}
const c = nobleCipher();
for (const r of data) out(JSON.stringify(roundTrip(r, c)));
`;
    const { node, xs } = await runInNodeAndXs("encode-corpus", src);
    expect(xs.length).toBe(corpus.length);
    expect(xs).toEqual(node);
    expect(xs.filter((l) => l.includes('"result":"same"')).length).toBe(corpus.length - 19);
  }, 180_000);
});
