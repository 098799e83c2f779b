/**
 * Compares the real-SDK host build (manifest.json platform x-cli-lin, firmware/host/main.ts) with Node, line
 * by line, on the same replays (firmware/host/replay.ts): both corpus files through a reading session, and a
 * stretch of the simulated apartment (50 configured meters, 2 000 frames) through the Gateway, with the XS
 * machine's memory after start-up and every 250 frames. The SDK is not part of this repository or of CI:
 * build it and the binary as docs/moddable-build.md §7 says, then
 *
 *   npm run -s build && node build/host-tests/sdk/sdk-host.js <path to the x-cli-lin binary> [work dir] [--memo-sweep]
 *
 * Prints one PASS/FAIL line per comparison and the memory figures; exits 1 on any difference.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayGateway, replayReadings, type GatewayReplay } from "../../firmware/host/replay.js";
import { readingJobs } from "../bench/readings-table.js";
import { corpusPath } from "../bench/corpus.js";
import { apartmentReplay } from "../sim/apartment-replay.js";
import { nodeCipher } from "../../host/aes-node.js";

/** The binary's output lines; a crash is reported with its status and standard error, as one line. */
function runXs(bin: string, args: string[]): string[] {
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  const out = (r.stdout ?? "").split("\n").filter((l) => l !== "");
  if (r.status !== 0) out.push(`exit status ${r.status}${r.signal ? " signal " + r.signal : ""}: ${(r.stderr ?? "").trim()}`);
  return out;
}

function lines(run: (emit: (l: string) => void) => void): string[] {
  const out: string[] = [];
  run((l) => out.push(l));
  return out;
}

function compare(name: string, node: string[], xs: string[]): boolean {
  const a = node.filter((l) => !l.startsWith('{"memory"'));
  const b = xs.filter((l) => !l.startsWith('{"memory"'));
  let same = 0;
  let first = -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) same++;
    else if (first < 0) first = i;
  }
  const ok = a.length === b.length && same === a.length;
  console.log(`${ok ? "PASS" : "FAIL"} ${name}: ${same}/${a.length} lines identical (XS printed ${b.length})`);
  const cut = (s: string | undefined) => (s ?? "(none)").slice(0, 400);
  if (!ok && first >= 0) console.log(`  first difference at line ${first}:\n  node ${cut(a[first])}\n  xs   ${cut(b[first])}`);
  return ok;
}

/** Memo sizes tried by --memo-sweep: what the decoder's memos hold on the warm heap (docs/performance.md). */
const SWEEP: readonly { shapes: number; frames: number }[] = [
  { shapes: 0, frames: 1 }, { shapes: 8, frames: 8 }, { shapes: 16, frames: 16 }, { shapes: 32, frames: 32 }, { shapes: 32, frames: 128 },
  { shapes: 64, frames: 64 }, { shapes: 128, frames: 128 },
];

/** The same gateway replay under XS with each memo size: the memory after start-up and after the last frame. */
function memoSweep(bin: string, dir: string, replay: GatewayReplay): void {
  for (const memo of SWEEP) {
    const path = join(dir, `gateway-memo-${memo.shapes}-${memo.frames}.json`);
    writeFileSync(path, JSON.stringify({ ...replay, memo }));
    const mem = runXs(bin, ["gateway", path]).filter((l) => l.startsWith('{"memory"'));
    const at = (l: string) => JSON.parse(l) as { slots: number; chunks: number };
    const [input, start, end] = [at(mem[0]), at(mem[1]), at(mem[mem.length - 1])];
    console.log(`memo shapes=${memo.shapes} frames=${memo.frames}: gateway ${start.slots - input.slots} slots ${start.chunks - input.chunks} chunk bytes at start, ` +
      `${end.slots - input.slots} slots ${end.chunks - input.chunks} chunk bytes after ${replay.frames.length} frames`);
  }
}

function main(): number {
  const bin = process.argv[2];
  if (!bin) {
    console.error("usage: node build/host-tests/sdk/sdk-host.js <x-cli-lin binary> [work dir] [--memo-sweep]");
    return 2;
  }
  const dir = process.argv[3] !== undefined && !process.argv[3].startsWith("--") ? process.argv[3] : mkdtempSync(join(tmpdir(), "wmbus-sdk-"));
  mkdirSync(dir, { recursive: true });
  const cipher = nodeCipher();
  let ok = true;
  const files = [corpusPath(), corpusPath().replace(/wmbus-telegrams\.jsonl$/, "wmbus-telegrams-more.jsonl")];
  for (const file of files) {
    const jobs = readingJobs(file);
    const path = join(dir, "jobs-" + files.indexOf(file) + ".json");
    writeFileSync(path, JSON.stringify(jobs));
    const node = lines((emit) => replayReadings(jobs, cipher, emit));
    const xs = runXs(bin, ["readings", path]);
    ok = compare("readings " + file.split("/").pop(), node, xs) && ok;
  }
  const replay = apartmentReplay();
  const path = join(dir, "gateway.json");
  writeFileSync(path, JSON.stringify(replay));
  const node = lines((emit) => replayGateway(replay, cipher, emit));
  const xs = runXs(bin, ["gateway", path]);
  ok = compare(`gateway ${(replay.settings as { meters: unknown[] }).meters.length} meters, ${replay.frames.length} frames`, node, xs) && ok;
  for (const l of xs.filter((l) => l.startsWith('{"memory"'))) console.log("XS memory " + l);
  const verdicts: { [v: string]: number } = {};
  for (const l of node) {
    const m = /^\{"verdict":"([a-z_]+)"/.exec(l);
    if (m) verdicts[m[1]] = (verdicts[m[1]] ?? 0) + 1;
  }
  console.log("verdicts " + JSON.stringify(verdicts));
  if (process.argv.includes("--memo-sweep")) memoSweep(bin, dir, replay);
  return ok ? 0 : 1;
}

process.exitCode = main();
