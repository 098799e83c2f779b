/**
 * The CLI's output lines (host/output-lines.ts) spell data records themselves; the oracle is JSON.stringify,
 * the engine's own serialiser, which must give the same text byte for byte: over every telegram of both corpus
 * files, over random record bytes (random headers, plain-text units, bad BCD, LVAR strings, manufacturer data),
 * with the data hex spelt before and after, and with buffers small enough that lines move between buffers.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OutputBatch } from "../../host/output-lines.js";
import { decodeRequest } from "../../host/cli.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { nodeCipher } from "../../host/aes-node.js";
import { HOST_MEMO } from "../../host/host-memo.js";
import { parseRecordsWithHeaders, ShapeMemo } from "../../firmware/application/records.js";
import type { DataRecord } from "../../firmware/application/record.js";
import { cliInput } from "../bench/cli-bench.js";

/** What `addJson` writes for each value, one batch (chunk `chunk` bytes), as text. */
function written(values: readonly { readonly [k: string]: unknown }[], chunk?: number): string {
  const parts: Buffer[] = [];
  const out = new OutputBatch((b) => parts.push(Buffer.from(b)), chunk);
  for (const v of values) out.addJson(v);
  out.flush();
  return Buffer.concat(parts).toString("utf8");
}

const expected = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v) + "\n").join("");

describe("OutputBatch.addJson: the text JSON.stringify gives", () => {
  it("for every telegram of both corpus files, data hex spelt by the batch and spelt before", () => {
    const lines = cliInput(1).text.split("\n").filter((l) => l !== "");
    const session = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher(), memo: HOST_MEMO }));
    const defaults = { crc: "auto" as const, timestamp: "2024-05-01T12:00:00Z" };
    let records = 0;
    for (const line of lines) {
      const out = decodeRequest(session, line, defaults) as { [k: string]: unknown };
      if (Array.isArray(out.records)) records += out.records.length;
      const fromBytes = written([out]); // before anything spelt the data hex: the batch writes it from the bytes
      const want = expected([out]); // JSON.stringify spells (and keeps) the hex
      expect(fromBytes).toBe(want);
      expect(written([out])).toBe(want); // now from the spelt hex
    }
    expect(lines.length).toBeGreaterThan(600);
    expect(records).toBeGreaterThan(3000);
  });

  it("for random record bytes, among members before and after the records, in small buffers", () => {
    const memo = new ShapeMemo(64);
    const text = fc.string({ unit: "binary", maxLength: 12 });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 120 }),
        fc.record({ ok: fc.boolean(), note: text }, { requiredKeys: [] }),
        fc.option(fc.record({ warnings: fc.array(text, { maxLength: 2 }), last: fc.double() }, { requiredKeys: [] }), { nil: undefined }),
        fc.boolean(),
        fc.integer({ min: 1, max: 600 }),
        (apl, before, after, spellFirst, chunk) => {
          const { records } = parseRecordsWithHeaders(apl, 0, apl.length, true, memo);
          if (spellFirst) for (const r of records) void r.data;
          const value = { ...before, records, ...after };
          expect(written([value, value], chunk)).toBe(expected([value, value]));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("for records that are not decoded here, members that have no JSON form, and a records-less value", () => {
    const plain: DataRecord = {
      offset: 3, header: "0C13", data: "\u00e9\"x", dif: 12, vif: 19, vifes: [], storage: 0, tariff: 0, subunit: 0,
      function: "instantaneous", quantity: "volume", unit: "m3", exponent: -3, value: Number.NaN, name: "volume",
    };
    const values = [
      { ok: true, records: [plain, undefined, null, { toJSON: () => "t" }], gone: undefined, f: () => 1 },
      { records: [] },
      { ok: false, error: { code: "x", message: "\u2028 \ud800" } },
      { records: "not a list", reading: { id: "1" } },
    ];
    expect(written(values, 8)).toBe(expected(values));
  });
});

describe("boundedLineBatches: the CLI's input lines", () => {
  /** The lines of `text` as the CLI reads them: split at LF, one CR before it dropped, too-long lines counted. */
  function reference(bytes: Buffer, max: number): (string | { line: number; bytes: number })[] {
    const out: (string | { line: number; bytes: number })[] = [];
    const pieces: Buffer[] = [];
    let start = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
      pieces.push(bytes.subarray(start, nl));
      start = nl + 1;
    }
    if (start < bytes.length) pieces.push(bytes.subarray(start));
    pieces.forEach((p, i) => {
      if (p.length > max) out.push({ line: i + 1, bytes: p.length });
      else {
        const t = p.toString("utf8");
        out.push(t.endsWith("\r") ? t.slice(0, -1) : t);
      }
    });
    return out;
  }

  it("in any chunking, the lines of the whole input; each chunk's batch holds the lines that chunk ended", async () => {
    const { boundedLineBatches } = await import("../../host/cli.js");
    const line = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", "\r", "x\r", "é€", "a".repeat(70)));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 64 }), async (lines, endNl, cuts, max) => {
        const bytes = Buffer.from(lines.join("\n") + (endNl && lines.length > 0 ? "\n" : ""));
        const chunks: Buffer[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length];
          chunks.push(bytes.subarray(at, at + n));
          at += n;
        }
        async function* source() {
          for (const c of chunks) yield c;
        }
        const batches: (string | { line: number; bytes: number })[][] = [];
        for await (const b of boundedLineBatches(source(), max)) batches.push(b);
        expect(batches.flat()).toEqual(reference(bytes, max));
        // one batch per chunk (and one more for an unterminated last line); a batch ends no later than its chunk
        let ended = 0;
        chunks.forEach((c, i) => {
          ended += [...c].filter((b) => b === 10).length;
          expect(batches.slice(0, i + 1).flat().length).toBe(ended);
        });
      }),
      { numRuns: 300 },
    );
  });
});
