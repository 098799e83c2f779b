/**
 * `node build/host-tests/bench/xs-quick.js [out.json]`: the XS stage medians only (about 5 s), for measuring
 * one change at a time. With a file name, the per-record costs are written there for comparing two runs.
 */
import { writeFileSync } from "node:fs";
import { loadBenchCorpus, benchRecords } from "./corpus.js";
import { fmt, median, percentile } from "./stats.js";
import { runXsStages, type RecordCost } from "./xs-stages.js";

const run = await runXsStages(benchRecords(loadBenchCorpus()));
const rows: [string, (r: RecordCost) => number | undefined][] = [
  ["link", (r) => r.link],
  ["chain", (r) => r.chain],
  ["security", (r) => (r.decrypted ? r.security : undefined)],
  ["records", (r) => r.records],
  ["reading", (r) => r.reading],
  ["decode", (r) => r.decode],
  ["pipeline", (r) => r.pipeline],
];
for (const [name, f] of rows) {
  const v = run.records.map(f).filter((x): x is number => x !== undefined);
  const total = v.reduce((a, b) => a + b, 0);
  console.log(`${name.padEnd(10)} median ${fmt(median(v)).padStart(8)}  p95 ${fmt(percentile(v, 95)).padStart(8)}  sum ${fmt(total).padStart(11)}  n ${v.length}`);
}
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(run.records));
