import { describe, expect, it } from "vitest";
import { loadCorpus } from "./corpus-helpers.js";
import { decodeRecord } from "../xs/corpus-runner.js";
import { nodeCipher } from "../host/aes-node.js";

/**
 * Issue "Foundation" acceptance over the whole corpus: the link/transport identification equals the
 * independent `frame` annotation, and every plain (or plaintext-in-place) telegram decodes all its records.
 */
const corpus = loadCorpus();
const cipher = nodeCipher();
const results = new Map(corpus.map((r) => [r.index, decodeRecord(r, cipher)]));

function expectedFrame(ann: Record<string, unknown>) {
  const wired = ann.format === "mbus_long";
  return {
    manufacturer: ann.mfct,
    id: wired ? ann.tpl_id : ann.dll_id,
    version: ann.version,
    device_type: ann.device_type,
    ci: ann.ci_chain,
    security_mode: ann.tpl_sec_mode ?? 0,
    dll_crc: wired ? "none" : ann.dll_crc,
  };
}

describe("corpus: frame identification", () => {
  it("never crashes", () => {
    const crashes = [...results.values()].filter((r) => "crash" in r);
    expect(crashes).toEqual([]);
  });

  it("matches the frame annotation for every record", () => {
    const mismatches: unknown[] = [];
    for (const rec of corpus) {
      const out = results.get(rec.index) as { frame?: Record<string, unknown> };
      const want = expectedFrame(rec.frame);
      const f = out.frame ?? {};
      const got = { manufacturer: f.manufacturer, id: f.id, version: f.version, device_type: f.device_type, ci: f.ci, security_mode: f.security_mode, dll_crc: f.dll_crc };
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ index: rec.index, want, got, error: (out as { error?: unknown }).error });
    }
    console.log(`frame annotation: ${corpus.length - mismatches.length}/${corpus.length} records match`);
    expect(mismatches).toEqual([]);
  });

  it("decodes every record of every plain / plaintext-in-place telegram", () => {
    const plain = corpus.filter((r) => r.decrypt_check === "not_encrypted" || r.decrypt_check === "plaintext_in_place" || r.decrypt_check === "not_wmbus");
    const failed: unknown[] = [];
    let records = 0;
    for (const rec of plain) {
      const out = results.get(rec.index) as { ok: boolean; records?: unknown[]; error?: unknown };
      if (!out.ok) failed.push({ index: rec.index, test: rec.test_name, error: out.error });
      else records += out.records!.length;
    }
    console.log(`plain telegrams: ${plain.length - failed.length}/${plain.length} decoded, ${records} records`);
    expect(failed).toEqual([]);
  });

  it("flags plaintext-in-place telegrams as such", () => {
    const pip = corpus.filter((r) => r.decrypt_check === "plaintext_in_place");
    const states = pip.map((r) => (results.get(r.index) as { payload_state: string }).payload_state);
    expect(states.every((s) => s === "plaintext_in_place")).toBe(true);
  });
});
