/**
 * The bench's marker arithmetic (host-tests/bench/markers.ts) on a hand-made xsnap output: nested windows,
 * print overhead subtracted once per print, AES windows excluded from the windows that contain them.
 */
import { describe, expect, it } from "vitest";
import { all, calibration, parseLines, total, windows, work } from "../bench/markers.js";
import { parseStageOutput } from "../bench/xs-stages.js";

// Print overhead 10. Work: P = D(100 + A 50) + G 30; L 20; T = 100 (link, chain, records again) + S(5 + A 50); C 25.
const OUT = [
  "[0] =", "[10] ==", "[20] =", "[30] ==",
  "[40] #",
  "[50] <P", "[60] <D", "[130] <A", "[190] >A", "[240] >D", "[250] <G", "[290] >G", "[300] >P",
  "[310] <L", "[340] >L",
  "[350] <T", "[460] <S", "[475] <A", "[535] >A", "[545] >S", "[555] >T",
  "[565] <C", "[600] >C",
  "[610] #",
  "[620] n 256 290 255",
  "[630] <c", "[930] >c", "[940] <s", "[1250] >s", "[1260] <3", "[1525] >3",
].join("\n") + "\n";

describe("bench markers", () => {
  it("subtracts the print overhead per print and nests windows", () => {
    const ev = parseLines(OUT);
    expect(calibration(ev)).toBe(10);
    const ws = windows(ev.slice(5, 23));
    const p = ws.find((w) => w.tag === "P")!;
    expect(work(p, 10)).toBe(180); // 240 meter units, 6 prints inside
    expect(total(all([p], "A"), 10)).toBe(50);
  });

  it("turns the protocol into stage costs", () => {
    const run = parseStageOutput(OUT, true);
    expect(run.printOverhead).toBe(10);
    expect(run.records).toHaveLength(1);
    const r = run.records[0];
    expect(r).toMatchObject({
      link: 20,
      security: 5,
      aesSecurity: 50,
      aesSecurityBlocks: 1,
      decrypted: true,
      records: 25,
      decode: 100,
      reading: 30,
      pipeline: 130,
      aesPipeline: 50,
      aesPipelineBlocks: 1,
    });
    // T (155 of work) minus S with its AES (55), the link (20) and the records (25) it also did.
    expect(r.chain).toBe(55);
    expect(run.twins).toEqual({ crc: 290 / 256, strip: 300 / 290, threeOfSix: 1 });
  });

  it("subtracts CRC-16 windows (native on the device) like AES blocks and counts them apart", () => {
    // D: 180 − 5 prints = 130, less N 40 and A 50 → 40; G 30; P: 250 − 9 prints = 160, less 90 → 70.
    // L: 70 − 3 prints = 40, less N 30 → 10; T 100 = link 10 + records 25 + chain 65.
    const out = [
      "[0] =", "[10] ==", "[20] =", "[30] ==",
      "[40] #",
      "[50] <P", "[60] <D", "[70] <N", "[120] >N", "[130] <A", "[190] >A", "[240] >D", "[250] <G", "[290] >G", "[300] >P",
      "[310] <L", "[320] <N", "[360] >N", "[380] >L",
      "[390] <T", "[500] >T",
      "[510] <C", "[545] >C",
      "[550] #",
      "[560] n 256 290 255",
      "[570] <c", "[600] >c", "[610] <s", "[640] >s", "[650] <3", "[680] >3",
    ].join("\n") + "\n";
    const r = parseStageOutput(out, true).records[0];
    expect(r).toMatchObject({
      link: 10, records: 25, chain: 65, decode: 40, reading: 30, pipeline: 70, aesPipeline: 50, aesPipelineBlocks: 1, crcPipeline: 40, crcPipelineCalls: 1,
    });
  });

  it("rejects unbalanced markers and a varying print overhead", () => {
    expect(() => windows(parseLines("[0] <P\n[10] >D\n"))).toThrow(/unbalanced/);
    expect(() => calibration(parseLines("[0] =\n[10] ==\n[20] =\n[31] ==\n"))).toThrow(/not constant/);
  });
});
