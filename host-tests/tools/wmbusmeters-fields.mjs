#!/usr/bin/env node
/**
 * Lists the fields each wmbusmeters XMQ driver defines, as the names it prints (facts only: names and unit
 * suffixes, none of its code or text):
 *
 *   node host-tests/tools/wmbusmeters-fields.mjs <wmbusmeters git dir> > host-tests/data/wmbusmeters-driver-fields.json
 *
 * From drivers/src/*.xmq: every `field { name quantity [display_unit] [attributes] }` that is not HIDE and whose
 * name is not a template ({…}), printed as name_<unit> (the display unit, else the quantity's default unit; Text
 * fields as name or name_<display unit>, PointInTime fields as name_date / name_datetime), and the library fields
 * the driver `use`s (status-tpl-only is its status field). Fields that only carry a manufacturer layout (ixml) to
 * other fields are not printed and left out.
 */
import { execFileSync } from "node:child_process";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: wmbusmeters-fields.mjs <wmbusmeters git dir>");
  process.exit(2);
}
const git = (...a) => execFileSync("git", ["-C", dir, ...a], { encoding: "utf8", maxBuffer: 64 << 20 });
const commit = git("rev-parse", "HEAD").trim();

/** Default display unit of each quantity (wmbusmeters prints a field as name_unit). */
const DEFAULT_UNIT = {
  Volume: "m3", Energy: "kwh", Power: "kw", Flow: "m3h", Temperature: "c", HCA: "hca", Time: "h", Dimensionless: "counter",
  Voltage: "v", Amperage: "a", Pressure: "bar", RelativeHumidity: "rh", Frequency: "hz", Mass: "kg", Reactive_Energy: "kvarh",
  Apparent_Energy: "kvah", Angle: "deg",
};
const POINT_IN_TIME = { date: "date", datelt: "date", datetime: "datetime", datetimelt: "datetime" };

const value = (block, key) => {
  const m = new RegExp(`\\n\\s*${key}\\s*=\\s*([^\\n]+)`).exec(block);
  return m ? m[1].trim().replace(/^'|'$/g, "") : undefined;
};

const drivers = {};
for (const f of git("ls-tree", "-r", "--name-only", "HEAD").split("\n")) {
  const m = /^drivers\/src\/(.*)\.xmq$/.exec(f);
  if (!m) continue;
  let s = git("show", `HEAD:${f}`);
  const tests = s.indexOf("tests {");
  if (tests >= 0) s = s.slice(0, tests);
  const names = [];
  const lib = /library\s*\{([^}]*)\}/.exec(s);
  if (lib) for (const u of lib[1].matchAll(/use\s*=\s*([^\n]+)/g)) for (const n of u[1].replace(/'/g, "").split("|")[0].split(",")) names.push(n.trim() === "status-tpl-only" ? "status" : n.trim());
  for (const block of s.split(/\bfield\s*\{/).slice(1)) {
    const name = value(block, "name");
    const q = value(block, "quantity");
    const unit = value(block, "display_unit");
    if (!name || name.includes("{") || /\bHIDE\b/.test(value(block, "attributes") ?? "")) continue;
    if (/\n\s*ixml\s*=/.test(block)) continue; // carries a manufacturer layout to other fields, not printed
    if (q === "Text") names.push(unit ? `${name}_${unit.toLowerCase()}` : name);
    else if (q === "PointInTime") names.push(`${name}_${POINT_IN_TIME[(unit ?? "datetime").toLowerCase()] ?? unit.toLowerCase()}`);
    else names.push(`${name}_${(unit ?? DEFAULT_UNIT[q] ?? "?").toLowerCase()}`);
  }
  drivers[m[1]] = [...new Set(names)];
}
const lines = Object.entries(drivers).map(([d, n]) => `  ${JSON.stringify(d)}: ${JSON.stringify(n)}`);
console.log(
  `{\n "source": ${JSON.stringify(`wmbusmeters (github.com/wmbusmeters/wmbusmeters) at commit ${commit.slice(0, 8)}: the fields each drivers/src/*.xmq driver defines, as printed (name and unit suffix; HIDE fields and name templates left out; library fields it uses). Facts only; made by host-tests/tools/wmbusmeters-fields.mjs.`)},\n "drivers": {\n${lines.join(",\n")}\n }\n}`,
);
