/**
 * `npm run bench`: one table with the performance targets of issue 8 and PASS/FAIL per target line.
 * Method and the last measured numbers: docs/performance.md.
 *
 *   node build/host-tests/bench/bench.js               the table
 *   node build/host-tests/bench/bench.js --hotspots    plus where the records and readings cost goes (XS)
 *
 * XS figures are XS meter units ("computrons", xsnap -q), deterministic; Node and C figures are wall clock
 * and vary with the machine. Tests never assert wall-clock numbers (host-tests/test/bench-smoke.test.ts
 * checks the XS harness structure only).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBenchCorpus, benchRecords, type CorpusEntry } from "./corpus.js";
import { fmt, median, percentile, sum } from "./stats.js";
import { readingsAvailable, runXsHotspots, runXsReplay, runXsStages, type RecordCost, type StageRun } from "./xs-stages.js";
import { apartmentReplay } from "../sim/apartment-replay.js";
import { DEVICE_FRAME_MEMO } from "../../firmware/application/format-cache.js";
import { DEVICE_SHAPE_MEMO } from "../../firmware/application/record-shape.js";
import { meterCost, unknownTableAvailable, type MeterCost, type ReadingSample } from "./xs-memory.js";
import type { MemoryModel } from "./xs-memory-harness.js";
import { nodeThroughput, tsTwins, type NsPerByte } from "./node-bench.js";
import { nativeTwins } from "./native-bench.js";
import { channelLoad, channelLoadRows, type ChannelLoadRun } from "./channel-load.js";
import { webBenchLines } from "./web-bench.js";
import { cliFloor, cliThroughput, cliVersusBaseline, ISSUE13_BASELINE, type CliFloor, type CliThroughput, type CliVersusBaseline } from "./cli-bench.js";

/** Targets of issues 8 and 13. */
export const TARGETS = {
  xsPipelineMedian: 12_000,
  xsPipelineP95: 25_000,
  cliWallPerSecond: 30_000,
  /** The same target as a speed-up over the build issue 13 measured (cli-bench.ts ISSUE13_BASELINE). */
  cliSpeedupOverBaseline: 30_000 / ISSUE13_BASELINE.linesPerSecond,
  nodeFullPerSecond: 50_000,
  registeredMeterBytes: 256,
  unknownMeterBytes: 64,
  framesLostAtFullLoad: 0,
} as const;

type Row = [measure: string, median: string, p95: string, n: string, target: string, result: string];

const WIDTHS = [52, 14, 10, 5, 12, 6];

const TABLE_WIDTH = WIDTHS.reduce((a, b) => a + b, 0) + 2 * (WIDTHS.length - 1);

function line(r: Row): string {
  if (r[1].length > WIDTHS[1]) {
    // A text value spans the median, p95 and n columns; target and result stay right-aligned.
    const left = r[0].padEnd(WIDTHS[0]) + "  " + r[1];
    const right = r[4].padStart(WIDTHS[4]) + "  " + r[5].padStart(WIDTHS[5]);
    return left + " ".repeat(Math.max(2, TABLE_WIDTH - left.length - right.length)) + right;
  }
  return r.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]) : c.padStart(WIDTHS[i]))).join("  ").trimEnd();
}

function section(title: string): Row {
  return [title, "", "", "", "", ""];
}

function verdict(ok: boolean): string {
  return ok ? "PASS" : "FAIL";
}

function stageRow(label: string, rs: readonly RecordCost[], f: (r: RecordCost) => number | undefined, target = "", result = ""): Row {
  const v = rs.map(f).filter((x): x is number => x !== undefined);
  return ["  " + label, fmt(median(v)), fmt(percentile(v, 95)), String(v.length), target, result];
}

function readingSample(list: readonly CorpusEntry[]): ReadingSample | undefined {
  const plain = (r: CorpusEntry) => r.decryptCheck === "not_encrypted" || r.decryptCheck === "plaintext_in_place";
  const r = list.find((x) => x.driver === "kamwater" && plain(x) && x.prelude.length === 0) ?? list.find((x) => x.driver !== null && plain(x));
  return r ? { telegram: r.telegram, key: r.key, driver: r.driver } : undefined;
}

/** XS cost per frame of the 50-meter apartment replay (xs-replay.ts), frames 501–2 000, by memo sizes. */
export interface ReplayCost {
  shapes: number;
  frames: number;
  costs: number[];
}

export interface BenchResult {
  xs: StageRun;
  /** Absent: not measured. */
  replay?: ReplayCost[];
  node: { plain: { telegramsPerSecond: number }; full?: { telegramsPerSecond: number } };
  memory: { [model: string]: MeterCost };
  native: NsPerByte;
  ts: NsPerByte;
  /** Channel-load simulation (channel-load.ts); absent = not run. */
  load?: ChannelLoadRun;
  /** `wmbus decode --jsonl` wall clock (cli-bench.ts); absent = the CLI failed. */
  cli?: CliThroughput;
  /** The same with --reading-only (no frame and record JSON); absent = the CLI failed or not run. */
  cliReadingOnly?: CliThroughput;
  /** Start-up and JSON + write alone (cli-bench.ts cliFloor); absent = not measured. */
  cliFloor?: CliFloor;
  /** The CLI against issue 13's build, interleaved on this machine; absent = no git history or a run failed. */
  cliBaseline?: CliVersusBaseline;
}

export function table(res: BenchResult, corpusSize: number): string[] {
  const rs = res.xs.records;
  const rows: Row[] = [];
  const readings = res.xs.readings;
  const pipeline = rs.map((r) => r.pipeline);
  const pipeMedian = median(pipeline);
  rows.push(["measure", "median", "p95", "n", "target", "result"]);
  rows.push(section(`XS computrons per telegram (corpus ${corpusSize} records; AES blocks and CRC-16 loops excluded: native on the device)`));
  rows.push(stageRow("link: DLL CRC strip + copy + DLL header", rs, (r) => r.link));
  rows.push(stageRow("ELL/AFL/TPL headers + decoder glue", rs, (r) => r.chain));
  rows.push(stageRow("decrypt: key lookup, IV/KDF, CBC/CTR/CMAC glue", rs, (r) => (r.decrypted ? r.security : undefined)));
  rows.push(stageRow("records (APL: data records, compact frames)", rs, (r) => r.records));
  if (readings) {
    rows.push(stageRow("readings (makeReading, previous reading merged)", rs, (r) => r.reading));
    const threw = rs.filter((r) => r.readingThrew).length;
    if (threw > 0) rows.push([`    makeReading threw on ${threw} telegram(s): counted up to the throw`, "", "", "", "", "warn"]);
  }
  else rows.push(["  readings (makeReading)", "n/a", "", "", "", "n/a"]);
  rows.push(stageRow("decode = TelegramDecoder.decode (keys, replay)", rs, (r) => r.decode));
  rows.push(
    stageRow(
      readings ? "FULL PIPELINE = decode + decrypt + reading" : "FULL PIPELINE (no readings stage yet)",
      rs,
      (r) => r.pipeline,
      "<= " + fmt(TARGETS.xsPipelineMedian),
      verdict(pipeMedian <= TARGETS.xsPipelineMedian),
    ),
  );
  const pipeP95 = percentile(pipeline, 95);
  rows.push(["  full pipeline p95", fmt(pipeP95), "", "", "<= " + fmt(TARGETS.xsPipelineP95), verdict(pipeP95 <= TARGETS.xsPipelineP95)]);
  rows.push(stageRow("full pipeline, decrypted telegrams only", rs, (r) => (r.decrypted ? r.pipeline : undefined), "", "info"));
  rows.push(stageRow("portable AES (noble) per decrypted telegram", rs, (r) => (r.decrypted ? r.aesSecurity : undefined), "", "info"));
  rows.push(stageRow("portable AES blocks per decrypted telegram", rs, (r) => (r.decrypted ? r.aesSecurityBlocks : undefined), "", "info"));
  const perBlock = rs.filter((r) => r.aesPipelineBlocks > 0).map((r) => r.aesPipeline / r.aesPipelineBlocks);
  rows.push(["  portable AES per block (key schedule cached)", fmt(median(perBlock)), fmt(percentile(perBlock, 95)), String(perBlock.length), "", "info"]);
  rows.push(stageRow("CRC-16 loops per telegram (TS twin; C on the device)", rs, (r) => (r.crcPipelineCalls > 0 ? r.crcPipeline : undefined), "", "info"));
  rows.push(stageRow("CRC-16 calls per telegram", rs, (r) => (r.crcPipelineCalls > 0 ? r.crcPipelineCalls : undefined), "", "info"));

  if (res.replay) {
    rows.push(section("XS per frame, as a gateway hears them: 50-meter apartment replay through one Gateway, frames 501-2 000 (xs-replay.ts)"));
    for (const r of res.replay) {
      const device = r.shapes === DEVICE_SHAPE_MEMO && r.frames === DEVICE_FRAME_MEMO;
      rows.push([`  memos ${r.shapes} shapes / ${r.frames} formats${device ? " (the device's)" : ""}`, fmt(median(r.costs)), fmt(percentile(r.costs, 95)), String(r.costs.length), "", "info"]);
      rows.push([`    mean`, fmt(Math.round(sum(r.costs) / r.costs.length)), "", "", "", "info"]);
    }
  }

  rows.push(section("Node, one core (telegrams per CPU second over the corpus, best of 5 rounds)"));
  const full = res.node.full?.telegramsPerSecond;
  rows.push(["  full pipeline (decode + reading, node:crypto AES)", full === undefined ? "n/a" : fmt(full), "", "", ">= " + fmt(TARGETS.nodeFullPerSecond), full === undefined ? "n/a" : verdict(full >= TARGETS.nodeFullPerSecond)]);
  rows.push(["  plain decode (TelegramDecoder.decode)", fmt(res.node.plain.telegramsPerSecond), "", "", "", "info"]);
  const cli = res.cli;
  rows.push(section(`CLI, wall clock: wmbus decode --jsonl, both corpus files repeated${cli ? ` (${fmt(cli.lines)} lines, ${cli.seconds.toFixed(2)} s incl. start-up)` : ""}`));
  rows.push(["  telegrams per wall second", cli ? fmt(cli.telegramsPerSecond) : "n/a", "", "", ">= " + fmt(TARGETS.cliWallPerSecond), cli ? verdict(cli.telegramsPerSecond >= TARGETS.cliWallPerSecond) : "FAIL"]);
  const only = res.cliReadingOnly;
  rows.push(["  with --reading-only (readings, no frame or record JSON)", only ? fmt(only.telegramsPerSecond) : "n/a", "", "", "", "info"]);
  if (cli) rows.push([`  output bytes per line: full / --reading-only`, `${fmt(Math.round(cli.outputBytes / cli.lines))}`, only ? fmt(Math.round(only.outputBytes / only.lines)) : "", "", "", "info"]);
  const floor = res.cliFloor;
  if (floor) {
    rows.push([`  start-up with empty input, wall seconds`, floor.startupSeconds.toFixed(2), "", "", "", "info"]);
    rows.push([`  JSON text + write alone (no decoding), CPU seconds for ${fmt(floor.lines)} lines`, floor.outputSeconds.toFixed(2), "", "", "", "info"]);
    rows.push([`  ceiling if decoding and readings took no time, lines per second`, fmt(floor.ceilingPerSecond), "", "", "", "info"]);
  }
  const base = res.cliBaseline;
  const baseLabel = `  speed-up over ${ISSUE13_BASELINE.commit} (${fmt(ISSUE13_BASELINE.linesPerSecond)}/s when issue 13 was filed), median of ${base?.pairSpeedups.length ?? 0} interleaved pairs`;
  if (base) {
    rows.push([baseLabel, base.speedup.toFixed(2) + "x", "", "", ">= " + TARGETS.cliSpeedupOverBaseline.toFixed(2) + "x", verdict(base.speedup >= TARGETS.cliSpeedupOverBaseline)]);
    rows.push([`    pair ratios, in run order`, base.pairSpeedups.map((r) => r.toFixed(2)).join(" "), "", "", "", "info"]);
    rows.push([`    best wall seconds: ${base.commit} / now`, `${base.baselineSeconds.toFixed(2)} / ${base.currentSeconds.toFixed(2)}`, "", "", "", "info"]);
    rows.push([`    ${base.commit} scaled to this machine: 30 000/s here is`, fmt((TARGETS.cliWallPerSecond * base.lines) / base.baselineSeconds / ISSUE13_BASELINE.linesPerSecond), "", "", "", "info"]);
  } else rows.push([baseLabel, "n/a (no git history, or a run failed)", "", "", "", "n/a"]);

  rows.push(section("XS heap per meter, bytes: ESP32 estimate (64-bit xsnap), 10 vs 1 000 meters"));
  const mem = (m: string) => res.memory[m];
  const bytes = (c: MeterCost | undefined) => (c ? `${fmt(c.deviceBytes)} (${fmt(c.hostBytes)})` : "n/a");
  const reg = mem("registered");
  rows.push(["  registered meter: key + replay state + format entry", bytes(reg), "", "", "<= " + TARGETS.registeredMeterBytes, reg ? verdict(reg.deviceBytes <= TARGETS.registeredMeterBytes) : "n/a"]);
  for (const [m, label] of [["keys", "of which KeyStore.set"], ["replay", "of which ReplayGuard (ACC)"], ["formats", "of which format cache (kept per model)"]] as const) {
    rows.push(["    " + label, bytes(mem(m)), "", "", "", "info"]);
  }
  rows.push(["  registered + last reading kept per meter", readings ? bytes(mem("reading")) : "n/a", "", "", "", readings ? "info" : "n/a"]);
  const unk = mem("unknown-table");
  const table = unknownTableAvailable() ? "UnknownMeterTable" : "16-byte slot table";
  rows.push([`  unknown meter: ${table}`, bytes(unk), "", "", "<= " + TARGETS.unknownMeterBytes, unk ? verdict(unk.deviceBytes <= TARGETS.unknownMeterBytes) : "n/a"]);
  rows.push(["    for comparison: Map id -> {lastSeen,rssi,count,type}", bytes(mem("unknown-object")), "", "", "", "info"]);
  rows.push(["    for comparison: Map number -> number", bytes(mem("unknown-packed")), "", "", "", "info"]);

  rows.push(section("Native C vs TS twin: ns/byte in C (gcc -O2) and Node; XS computrons/byte"));
  const twin = (label: string, k: keyof NsPerByte) => {
    rows.push([`  ${label}: C ${res.native[k].toFixed(2)} ns, Node ${res.ts[k].toFixed(2)} ns`, `XS ${res.xs.twins[k].toFixed(1)}`, "", "", "", "info"]);
  };
  twin("CRC-16 (256 B)", "crc");
  twin("frame-A CRC strip (290 B)", "strip");
  twin("3-of-6 decode (255 B)", "threeOfSix");

  const load = res.load;
  rows.push(section(load ? `Radio simulator: frames lost, Poisson traffic, ${load.durationMs / 1000} s per run, decode = XS computrons x ${load.usPerComputron} µs` : "Radio simulator"));
  if (load) rows.push(...channelLoadRows(load, TARGETS.framesLostAtFullLoad));
  else rows.push(["  frames lost by the gateway at 25/50/100 % channel load", "n/a (not run)", "", "", "0 at 100 %", "n/a"]);
  return rows.map(line);
}

function hotspotLines(h: Awaited<ReturnType<typeof runXsHotspots>>): string[] {
  const records = sum(h.map((x) => x.records));
  const out = [`XS hotspots over ${h.length} full-frame telegrams (${records} records), computrons`, `${"part".padEnd(58)}${"median/telegram".padStart(16)}${"per record".padStart(12)}`];
  const parts: [string, string][] = [
    ["h", "recordShapeAt (APL header, memoised shape)"],
    ["i", "  a memo miss adds readDif + readVif + resolveVif"],
    ["m", "  and recordName (string building)"],
    ["v", "decodeRecordData (value + DataRecord object)"],
    ["n", "  decodeValue alone (plain integers are read inline)"],
    ["x", "  header/data hex, now spelt only for JSON (toHex)"],
    ["g", "makeReading"],
    ["f", "  of which applyRules (rules x records matching)"],
    ["b", "  vibHex once per record (kept per record shape)"],
  ];
  for (const [tag, label] of parts) {
    const v = h.map((x) => x.cost[tag] ?? 0);
    if (v.every((x) => x === 0)) continue;
    out.push(`${label.padEnd(58)}${fmt(median(v)).padStart(16)}${fmt(sum(v) / records).padStart(12)}`);
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const t0 = Date.now();
  const list = loadBenchCorpus();
  const readings = readingsAvailable();
  const xs = await runXsStages(benchRecords(list), { readings });
  const sample = readingSample(list);
  const models: MemoryModel[] = ["registered", "keys", "replay", "formats", "unknown-table", "unknown-object", "unknown-packed"];
  if (readings && sample) models.push("reading");
  const memory: { [m: string]: MeterCost } = {};
  for (const m of models) memory[m] = await meterCost(m, { sample });
  const node = await nodeThroughput(list);
  const ts = tsTwins();
  const native = nativeTwins();
  const replayFrames = apartmentReplay();
  const replay: ReplayCost[] = [];
  for (const memo of [{ shapes: DEVICE_SHAPE_MEMO, frames: DEVICE_FRAME_MEMO }, { shapes: 1024, frames: 1024 }]) {
    replay.push({ ...memo, costs: (await runXsReplay(replayFrames, memo)).slice(500) });
  }
  // the channel load again with the costs a gateway in the apartment pays per frame (median over median)
  const load = channelLoad(xs.records, undefined, undefined, median(replay[0].costs) / median(xs.records.map((r) => r.pipeline)));
  const cli = cliThroughput();
  const cliReadingOnly = cliThroughput(40_000, 3, ["--reading-only"]);
  const res: BenchResult = { xs, replay, node, memory, native, ts, load, cli, cliReadingOnly, cliFloor: await cliFloor(), cliBaseline: cliVersusBaseline() };
  console.log(`wM-Bus gateway bench: XS 13.3 (@agoric/xsnap CLI, meter = computrons), Node ${process.version}, ${readings ? "" : "no readings stage, "}print overhead ${xs.printOverhead} subtracted`);
  for (const l of table(res, list.length)) console.log(l);
  console.log("");
  for (const l of await webBenchLines()) console.log(l);
  if (argv.includes("--hotspots")) {
    console.log("");
    for (const l of hotspotLines(await runXsHotspots(benchRecords(list)))) console.log(l);
  }
  console.log(`(bench took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
