/**
 * The XS stage-cost harness of `npm run bench` (host-tests/bench/xs-harness.ts, run under xsnap with the
 * meter) on 5 corpus telegrams: every stage is reported, meter counts are positive, and the XS meter is
 * deterministic (two runs give identical numbers). Structure only: no test here asserts a cost limit or a
 * wall-clock time (the bench is a script; its targets are printed, not tested).
 */
import { describe, expect, it } from "vitest";
import { loadBenchCorpus, benchRecords, type CorpusEntry } from "../bench/corpus.js";
import { readingsAvailable, runXsStages, type StageRun } from "../bench/xs-stages.js";

function pick(list: readonly CorpusEntry[]): CorpusEntry[] {
  const find = (what: string, f: (r: CorpusEntry) => boolean) => {
    const r = list.find(f);
    if (!r) throw new Error(`corpus has no ${what} record`);
    return r;
  };
  const chain = (r: CorpusEntry) => r.ciChain.join(",");
  return [
    find("mode 5", (r) => r.decryptCheck === "ok" && chain(r) === "7A"),
    find("ELL AES-CTR", (r) => r.decryptCheck === "ok" && chain(r) === "8D"),
    find("compact frame with prelude", (r) => r.prelude.length > 0 && chain(r) === "8D,79"),
    find("wired", (r) => r.decryptCheck === "not_wmbus"),
    find("plain full frame", (r) => r.decryptCheck === "not_encrypted" && chain(r) === "7A" && r.driver !== null),
  ];
}

describe("bench: XS stage-cost harness", () => {
  it("reports every stage with positive, deterministic meter counts on 5 corpus telegrams", async () => {
    const recs = benchRecords(pick(loadBenchCorpus()));
    const a: StageRun = await runXsStages(recs);
    const b: StageRun = await runXsStages(recs);

    expect(a.records).toHaveLength(5);
    expect(a.printOverhead).toBeGreaterThan(0);
    expect(a.readings).toBe(readingsAvailable());
    for (const r of a.records) {
      expect(r.link, `record ${r.index} link`).toBeGreaterThan(0);
      expect(r.chain, `record ${r.index} chain`).toBeGreaterThan(0);
      expect(r.decode, `record ${r.index} decode`).toBeGreaterThan(0);
      expect(r.pipeline, `record ${r.index} pipeline`).toBeGreaterThanOrEqual(r.decode);
      if (a.readings) expect(r.reading, `record ${r.index} reading`).toBeGreaterThan(0);
      else expect(r.reading).toBeUndefined();
    }
    // The two encrypted telegrams go through the security hook and the portable AES.
    for (const r of a.records.slice(0, 2)) {
      expect(r.decrypted).toBe(true);
      expect(r.security).toBeGreaterThan(0);
      expect(r.aesSecurity).toBeGreaterThan(0);
      expect(r.aesSecurityBlocks).toBeGreaterThan(0);
      expect(r.aesPipelineBlocks).toBeGreaterThan(0);
    }
    // Mode 5, compact, wired and plain frames reach the APL.
    for (const i of [0, 2, 3, 4]) expect(a.records[i].records, `record ${i} APL`).toBeGreaterThan(0);
    expect(a.twins.crc).toBeGreaterThan(0);
    expect(a.twins.strip).toBeGreaterThan(0);
    expect(a.twins.threeOfSix).toBeGreaterThan(0);

    expect(b).toEqual(a);
  });
});
