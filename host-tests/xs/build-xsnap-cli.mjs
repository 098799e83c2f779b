#!/usr/bin/env node
// Builds the `xsnap` command-line host that ships as source inside @agoric/xsnap (its own install step
// builds only `xsnap-worker`). Used by the XS conformance tests and the bench. Idempotent: skips when built.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let pkg;
try {
  pkg = dirname(require.resolve("@agoric/xsnap/package.json"));
} catch {
  console.log("build-xsnap-cli: @agoric/xsnap not installed, skipping");
  process.exit(0);
}
const moddable = join(pkg, "moddable");
const bin = join(moddable, "build/bin/lin/release/xsnap");
if (existsSync(bin)) {
  console.log("build-xsnap-cli: " + bin + " already built");
  process.exit(0);
}
const makeDir = join(pkg, "xsnap-native/xsnap/makefiles/lin");
console.log("build-xsnap-cli: building the xsnap CLI (about 20 s)...");
execFileSync("make", ["-f", "xsnap.mk", `MODDABLE=${moddable}`, "GOAL=release", "-j2"], { cwd: makeDir, stdio: "inherit" });
if (!existsSync(bin)) {
  console.error("build-xsnap-cli: build finished but " + bin + " is missing");
  process.exit(1);
}
console.log("build-xsnap-cli: built " + bin);
