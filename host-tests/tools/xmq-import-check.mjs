#!/usr/bin/env node
/**
 * Checks `wmbus driver import` against wmbusmeters itself (a measurement, not a test: it needs a wmbusmeters
 * checkout, which the repository does not carry):
 *
 *   npm run -s build && node host-tests/tools/xmq-import-check.mjs <wmbusmeters dir> [--partial] [--verbose]
 *
 * Every drivers/src/*.xmq of the checkout is imported. A file that does not import is counted under its error
 * (file, line and column stripped, quoted names kept). With --partial the import leaves out the fields that do not
 * convert (`wmbus driver import --partial`), and their count is printed. The telegrams of each imported file's own `tests` section
 * are then read with the imported driver (forced by name, with the test's key), and every field of the JSON
 * wmbusmeters publishes for the test is compared with the reading: the same value (numbers to 1e-9 relative),
 * another value, or missing. The header fields (`_`, media, meter, name, id, timestamp) are not compared. The
 * same telegrams are also read with this repository's registry driver of that name, when there is one, as a
 * yardstick. Nothing of wmbusmeters is copied anywhere: the files are read where they are.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { importXmqDriver, xmqDriverTests } from "../../build/host/driver-import.js";
import { ReadingSession } from "../../build/firmware/meters/session.js";
import { TelegramDecoder } from "../../build/firmware/decoder/decoder.js";
import { UserDrivers } from "../../build/firmware/meters/user-drivers.js";
import { driverByName } from "../../build/firmware/meters/drivers/index.js";
import { nodeCipher } from "../../build/host/aes-node.js";
import { fromHex } from "../../build/firmware/util/hex.js";

const dir = process.argv[2];
const verbose = process.argv.includes("--verbose");
const partial = process.argv.includes("--partial");
let leftOut = 0;
if (!dir) {
  console.error("usage: xmq-import-check.mjs <wmbusmeters dir> [--partial] [--verbose]");
  process.exit(2);
}
const src = join(dir, "drivers/src");
const files = readdirSync(src).filter((f) => f.endsWith(".xmq")).sort();
const HEADER = new Set(["_", "media", "meter", "name", "id", "timestamp"]);

const same = (a, b) =>
  typeof a === "number" && typeof b === "number" ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : JSON.stringify(a) === JSON.stringify(b);

/** Field verdicts of `tests` read with driver `name` out of `drivers` (undefined: the registry). */
function check(tests, name, drivers) {
  const n = { same: 0, differ: 0, missing: 0, tests: 0 };
  const notes = [];
  for (const t of tests) {
    let expected;
    try {
      expected = JSON.parse(t.json);
    } catch {
      continue;
    }
    const key = t.args.split(/\s+/)[3];
    const session = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() }));
    if (drivers) session.drivers = drivers;
    const telegrams = t.telegram.split(",");
    const last = telegrams.pop();
    const k = key && key !== "NOKEY" ? key : undefined;
    let reading;
    try {
      for (const p of telegrams) session.feed(fromHex(p), k);
      reading = session.read(fromHex(last), { key: k, driver: name, timestamp: "2024-01-01T00:00:00Z" }).reading;
    } catch (e) {
      notes.push(`throws ${e.message}`);
      continue;
    }
    n.tests++;
    for (const [f, v] of Object.entries(expected)) {
      if (HEADER.has(f)) continue;
      if (!(f in reading)) {
        n.missing++;
        notes.push(`missing ${f}`);
      } else if (same(reading[f], v)) n.same++;
      else {
        n.differ++;
        notes.push(`${f}: ${JSON.stringify(reading[f])} != ${JSON.stringify(v)}`);
      }
    }
  }
  return { n, notes };
}

const failures = new Map();
const total = { imported: 0, files: files.length, tests: 0, same: 0, differ: 0, missing: 0 };
const registry = { tests: 0, same: 0, differ: 0, missing: 0 };
for (const f of files) {
  const text = readFileSync(join(src, f), "utf8");
  let driver;
  try {
    const imported = importXmqDriver(text, f, { partial });
    driver = imported.driver;
    leftOut += imported.warnings.filter((w) => w.endsWith("(field left out)")).length;
  } catch (e) {
    const why = e.message.replace(/^[^:]*:\d+:\d+: /, "").replace(/^field [a-z0-9_{}]+/, "field …");
    failures.set(why, [...(failures.get(why) ?? []), f]);
    continue;
  }
  total.imported++;
  const tests = xmqDriverTests(text, f);
  const mine = check(tests, driver.name, new UserDrivers([driver]));
  for (const k of ["tests", "same", "differ", "missing"]) total[k] += mine.n[k];
  const reg = driverByName(driver.name) ? check(tests, driver.name, undefined) : undefined;
  if (reg) for (const k of ["tests", "same", "differ", "missing"]) registry[k] += reg.n[k];
  const line = `${f}: ${mine.n.tests} tests, fields ${mine.n.same} same, ${mine.n.differ} differ, ${mine.n.missing} missing` +
    (reg ? ` (registry driver: ${reg.n.same} / ${reg.n.differ} / ${reg.n.missing})` : " (no registry driver)");
  console.log(line);
  if (verbose) for (const x of mine.notes) console.log("    " + x);
}
console.log(`\nimported ${total.imported} of ${total.files} driver files${partial ? ` (--partial: ${leftOut} fields left out)` : ""}`);
console.log(`their tests: ${total.tests} telegrams, fields ${total.same} same, ${total.differ} differ, ${total.missing} missing`);
console.log(`the same tests with the registry drivers of those names: fields ${registry.same} same, ${registry.differ} differ, ${registry.missing} missing`);
console.log("\nnot imported, by reason:");
for (const [why, list] of [...failures].sort((a, b) => b[1].length - a[1].length)) console.log(`${String(list.length).padStart(4)}  ${why.slice(0, 150)}  (${list.slice(0, 4).join(", ")}${list.length > 4 ? ", …" : ""})`);
