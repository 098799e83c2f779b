#!/usr/bin/env node
/**
 * Collects the published driver examples of a wmbusmeters checkout as test data (facts only: hex telegrams,
 * the command-line arguments and the JSON wmbusmeters prints for them; none of its code or text):
 *
 *   node host-tests/tools/wmbusmeters-tests.mjs <wmbusmeters git dir> > host-tests/data/wmbusmeters-driver-tests.json
 *
 * Sources: the `tests { test { args telegram json } }` sections of drivers/src/*.xmq and the `// Test:` comment
 * blocks (telegram=|…| and a JSON line) of src/driver_*.cc. Telegram separators (`_`, `|`, `#`) are removed. Identical
 * examples (same driver, telegrams and JSON) are kept once.
 */
import { execFileSync } from "node:child_process";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: wmbusmeters-tests.mjs <wmbusmeters git dir>");
  process.exit(2);
}
const git = (...a) => execFileSync("git", ["-C", dir, ...a], { encoding: "utf8", maxBuffer: 64 << 20 });
const commit = git("rev-parse", "HEAD").trim();
const files = git("ls-tree", "-r", "--name-only", "HEAD").split("\n");
const tests = [];

/** Separators wmbusmeters' hex reader skips: _ | # and spaces. */
const hex = (s) => s.replace(/[_|# ]/g, "").toUpperCase();

/** A test may list several telegrams (comma-separated): the expected JSON is for the last, the others come first. */
function add(source, args, telegrams, expected) {
  const [name, driver, id, key] = args;
  const list = telegrams.split(",").map(hex);
  const telegram = list.pop();
  tests.push({ source, driver, name, id, key: key === "NOKEY" ? null : key, ...(list.length > 0 ? { prelude: list } : {}), telegram, expected });
}

for (const f of files) {
  if (/^drivers\/src\/.*\.xmq$/.test(f)) {
    const s = git("show", `HEAD:${f}`);
    const at = s.indexOf("tests {");
    if (at < 0) continue;
    for (const body of s.slice(at).split(/\btest\s*\{/).slice(1)) {
      const a = /args\s*=\s*'([^']*)'/.exec(body);
      const t = /telegram\s*=\s*([0-9A-Fa-f_|,#]+)/.exec(body);
      const j = /json\s*=\s*'([\s\S]*?)'/.exec(body);
      if (!a || !t || !j) throw new Error(`${f}: test without args, telegram or json`);
      add(f, a[1].trim().split(/\s+/), t[1], JSON.parse(j[1]));
    }
  } else if (/^src\/driver_.*\.cc$/.test(f)) {
    const lines = git("show", `HEAD:${f}`).split("\n");
    lines.forEach((l, k) => {
      if (!l.startsWith("// Test:")) return;
      let telegram, expected;
      for (const m of lines.slice(k + 1, k + 6)) {
        if (m.startsWith("// telegram=")) telegram = m.slice(12).trim();
        else if (m.startsWith("// {")) expected = JSON.parse(m.slice(3));
      }
      if (!telegram || !expected) throw new Error(`${f}: ${l} without telegram or json`);
      add(f, l.slice(8).trim().split(/\s+/), telegram, expected);
    });
  }
}

const seen = new Set();
const unique = tests.filter((t) => {
  const k = `${t.driver} ${t.prelude ?? ""} ${t.telegram} ${JSON.stringify(t.expected)}`;
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
});
const out = [
  "{",
  ` "source": ${JSON.stringify(`wmbusmeters (github.com/wmbusmeters/wmbusmeters) at commit ${commit.slice(0, 8)}: the test telegrams published with its drivers (tests sections of drivers/src/*.xmq, // Test: blocks of src/driver_*.cc), with the arguments and the JSON it prints for them. Facts only; made by host-tests/tools/wmbusmeters-tests.mjs.`)},`,
  ' "tests": [',
  unique.map((t) => "  " + JSON.stringify(t)).join(",\n"),
  " ]",
  "}",
];
console.log(out.join("\n"));
