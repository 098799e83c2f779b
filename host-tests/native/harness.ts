/**
 * Builds and drives the gcc harness (harness.c) that runs the pure C of firmware/native on the host, and
 * compiles the XS glue (*_xs.c) against the XS headers shipped in @agoric/xsnap. See README.md here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (this file is host-tests/native/harness.ts, or build/host-tests/native/harness.js). */
export const ROOT = resolve(here, here.includes("/build/host-tests/") ? "../../.." : "../..");
export const NATIVE_DIR = join(ROOT, "firmware/native");
export const HARNESS_C = join(ROOT, "host-tests/native/harness.c");

/** The pure C sources (no XS). */
export const PURE_C = ["wmbus_crc.c", "wmbus_3of6.c", "wmbus_manchester.c", "wmbus_fifo.c"];

/** Flags for the pure C: strict C99 and warnings as errors, as on the device build. */
export const PURE_CFLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-Wconversion", "-pedantic"];
const SANITIZE = ["-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];

export interface Harness {
  bin: string;
  sanitized: boolean;
}

const cache = new Map<string, Harness>();

/** Pure C of the native radio service, harness-tested by radio-harness.c (host-tests/test/radio-load-queue.test.ts). */
export const RADIO_C = ["wmbus_radio_queue.c", "wmbus_radio_cc1101.c", "wmbus_radio_sx1262.c"];
export const RADIO_HARNESS_C = join(ROOT, "host-tests/native/radio-harness.c");

/**
 * Compiles a harness with the pure C into a fresh temp dir (once per process and harness). AddressSanitizer and
 * UBSan are used when the toolchain has them (any out-of-bounds access or UB then aborts the run), otherwise
 * plain -O2.
 */
function buildC(harnessC: string, pure: readonly string[]): Harness {
  const hit = cache.get(harnessC);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), "wmbus-native-"));
  const bin = join(dir, "harness");
  const sources = [...pure.map((f) => join(NATIVE_DIR, f)), harnessC];
  const base = [...PURE_CFLAGS, "-I", NATIVE_DIR, ...sources, "-o", bin];
  const san = spawnSync("gcc", [...SANITIZE, ...base], { encoding: "utf8" });
  let built: Harness;
  if (san.status === 0) {
    built = { bin, sanitized: true };
  } else {
    execFileSync("gcc", base, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    built = { bin, sanitized: false };
  }
  cache.set(harnessC, built);
  return built;
}

/** harness.c with the coding/CRC/FIFO C. */
export function buildHarness(): Harness {
  return buildC(HARNESS_C, PURE_C);
}

/** radio-harness.c with the radio queue and CC1101 service C (and the FIFO/CRC C they use). */
/** tx-harness.c with wmbus_tx.c (the native transmit path; host-tests/test/native-tx.test.ts). */
export const TX_HARNESS_C = join(ROOT, "host-tests/native/tx-harness.c");
export function buildTxHarness(): Harness {
  return buildC(TX_HARNESS_C, ["wmbus_tx.c"]);
}

export function buildRadioHarness(): Harness {
  return buildC(RADIO_HARNESS_C, [...PURE_C, ...RADIO_C]);
}

/** Runs the harness on one operation per line; returns one result line per operation. */
export function runHarness(lines: readonly string[], harness: Harness = buildHarness()): string[] {
  const { bin } = harness;
  if (lines.length === 0) return [];
  const out = execFileSync(bin, [], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS: "print_stacktrace=1" },
  });
  const res = out.split("\n");
  res.pop(); // trailing newline
  if (res.length !== lines.length) throw new Error(`harness answered ${res.length} lines for ${lines.length}`);
  return res;
}

const require = createRequire(import.meta.url);

/** XS header folders of @agoric/xsnap (XS 13.3): xs.h and xsmc.h in includes, xsPlatform.h & co. in platforms. */
export function xsIncludeDirs(): string[] {
  const pkg = dirname(require.resolve("@agoric/xsnap/package.json"));
  return [join(pkg, "moddable/xs/includes"), join(pkg, "moddable/xs/platforms")];
}

/** The XS glue files (`*_xs.c`) in firmware/native. */
export function glueFiles(): string[] {
  return readdirSync(NATIVE_DIR)
    .filter((f) => f.endsWith("_xs.c"))
    .sort();
}

/**
 * gcc arguments that compile one glue file to an object file on the host. No defines are needed: without
 * INCLUDE_XSPLATFORM, xs.h uses its own portable types (it would otherwise pull lin_xs.h, which needs GLib's
 * gio.h), and each glue file includes <stddef.h> first because xs.h uses size_t without including it.
 * `extra` adds e.g. "-DmxDebug=1" (the debug-build variant of the xs.h macros).
 */
export function glueCompileArgs(file: string, outObj: string, extra: readonly string[] = []): string[] {
  return [
    "-c",
    "-std=gnu99",
    "-Wall",
    "-Wextra",
    "-Werror",
    ...extra,
    "-I",
    NATIVE_DIR,
    ...xsIncludeDirs().flatMap((d) => ["-I", d]),
    join(NATIVE_DIR, file),
    "-o",
    outObj,
  ];
}

/** SX1262 buffer service of the radio task (wmbus_radio_sx1262.c), harness-tested by radio-sx1262-harness.c. */
export const SX1262_HARNESS_C = join(ROOT, "host-tests/native/radio-sx1262-harness.c");

/** radio-sx1262-harness.c with the SX1262 service C (and the queue/FIFO/CRC C it uses). */
export function buildSx1262Harness(): Harness {
  return buildC(SX1262_HARNESS_C, [...PURE_C, ...RADIO_C]);
}

/** radio-sx1262-live.c: the SX1262 service with its bus answered by the host (sx1262-task-sim.ts). */
export const SX1262_LIVE_C = join(ROOT, "host-tests/native/radio-sx1262-live.c");

export function buildSx1262LiveHarness(): Harness {
  return buildC(SX1262_LIVE_C, [...PURE_C, ...RADIO_C]);
}
