import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport, runInNodeAndXs } from "../xs/node-and-xs.js";
import { writeTempModule } from "../xs/xsnap.js";
import { loadCorpus } from "./corpus-helpers.js";

/**
 * The application layer must behave identically under XS (BigInt, DataView, string building, the
 * literal power-of-ten table). One esbuild bundle decodes every APL vector and every plain corpus
 * APL (full frames learnt, compact frames decoded) and prints JSON lines; Node and xsnap must print
 * the same bytes.
 */
const app = (p: string) => repoImport("firmware/application/" + p);

const VECTORS = [
  "2F2F0B6E341200426CFE044B6E563402015B19",
  "2F2F0C1427048502046D32371F1502FD1700002F2F2F2F2F2F2F2F2F2F2F2F2F",
  "0CFCA273046C61676926084275",
  "2F2F0C13889999994C1388999999CC101311000000426C1F2C3B3BDDBDEB02FD74C800025A10012F2F2F2F2F2F2F2F2F",
  "0704FFFFFFFFFFFFFFFF07041223344556677812",
  "0713FFFFFFFFFFFFFF7F0613000000000080052B0000C03F05FF3A0000C0FF",
  "066D38220C8F2300036D38220C046DAB117811426CFF0C",
  "0D13D234120D13E2E8030DFD110672656C6CFC4D0DFF5F03414243",
  "01937B0501937505C4F56A1300000000",
  "04050000000004FB8275CF0C000004853CCC0F000004FB82F53C0900000001FD1700",
];

function corpusApls(): { full: string[]; compact: string[] } {
  const full: string[] = [];
  const compact: string[] = [];
  for (const rec of loadCorpus()) {
    if (!["not_encrypted", "plaintext_in_place"].includes(rec.decrypt_check)) continue;
    const f = rec.frame as Record<string, unknown>;
    if (f.format !== "wmbus" || f.dll_crc !== "none") continue;
    const ci = (f.ci_chain as string[]).join(",");
    const hex = rec.telegram;
    const end = Math.min(hex.length / 2, parseInt(hex.slice(0, 2), 16) + 1);
    // CI 7A not encrypted: APL after the 4-byte short header; ELL II + CI 79: signature at 20.
    if (ci === "7A" && f.tpl_sec_mode === 0) full.push(hex.slice(30, end * 2));
    if (ci === "8D,78") full.push(hex.slice(40, end * 2));
    if (ci === "8D,79") compact.push(hex.slice(40, end * 2));
  }
  return { full, compact };
}

const ENTRY = (data: string) => `
import data from ${JSON.stringify(data)};
import { fromHex } from ${repoImport("firmware/util/hex.ts")};
import { parseRecordsLenient } from ${app("records.ts")};
import { FormatCache, decodeCompact, learnFromFullFrame } from ${app("compact.ts")};
${ENTRY_OUT}
const cache = new FormatCache(500);
const show = (f) => { try { return JSON.stringify(f()); } catch (e) { return "error " + e.code + " " + e.message; } };
for (const h of data.vectors) { const b = fromHex(h); out(show(() => parseRecordsLenient(b, 0, b.length))); }
for (const h of data.full) { const b = fromHex(h); out(show(() => learnFromFullFrame(b, 0, b.length, cache))); }
for (const h of data.compact) { const b = fromHex(h); out(show(() => decodeCompact(b, 0, b.length, cache))); }
out(JSON.stringify(cache.export()));
`;

describe("application layer under XS", () => {
  it("prints byte-identical JSON under Node and xsnap", async () => {
    const { full, compact } = corpusApls();
    expect(full.length).toBeGreaterThan(100);
    const data = writeTempModule("apl-data.js", "export default " + JSON.stringify({ vectors: VECTORS, full, compact }) + ";\n");
    const { node, xs } = await runInNodeAndXs("apl", ENTRY(data));

    expect(node.length).toBe(VECTORS.length + full.length + compact.length + 1);
    expect(node.filter((l) => l.startsWith("error ")).every((l) => /^error (truncated|bad_dif|unknown_format_signature) /.test(l))).toBe(true);
    console.log(`APL under XS: ${node.length} lines, e.g. ${node[1].slice(0, 120)}`);
    expect(xs.length).toBe(node.length);
    for (let i = 0; i < node.length; i++) expect(xs[i], `line ${i}`).toBe(node[i]);
  }, 120_000);
});
