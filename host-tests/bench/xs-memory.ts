/**
 * XS heap per meter. xsnap's CLI has no heap statistics, but `-w file` writes a snapshot after a full
 * garbage collection (fxWriteSnapshot → fxCollectGarbage) that holds exactly the live heap: section HEAP
 * = the live slots (sizeof(txSlot) each, given in section VERS), section BLOC = the live chunks (strings,
 * ArrayBuffer data, Map tables, with their chunk headers). The same bundle is run for 10 and for 1 000
 * meters; the difference divided by 990 is the cost of one meter. Everything else (code, module state,
 * tables) is identical in the two runs and cancels out.
 *
 * The host xsnap is 64-bit (32-byte slots); on the ESP32 a slot is 16 bytes. The device figure is
 * slots × 16 + chunk bytes, where the chunk bytes are the host's (an upper bound: chunk headers and Map
 * table entries hold pointers, which are half as wide on the device).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { writeTempModule, xsnapPath } from "../xs/xsnap.js";
import { readingsAvailable, repoModule } from "./xs-stages.js";
import type { MemoryModel } from "./xs-memory-harness.js";

export const DEVICE_SLOT_BYTES = 16;

export interface SnapshotSizes {
  slotBytes: number;
  slots: number;
  chunkBytes: number;
  fileBytes: number;
}

export interface MeterCost {
  model: MemoryModel;
  small: number;
  large: number;
  /** Per meter: live slots, chunk bytes, host bytes (64-bit), device estimate (16-byte slots). */
  slots: number;
  chunkBytes: number;
  hostBytes: number;
  deviceBytes: number;
}

/** Reads the section sizes of an XS snapshot ("XS_M" container of [size BE32][tag][payload] sections). */
export function snapshotSizes(path: string): SnapshotSizes {
  const b = readFileSync(path);
  if (b.toString("latin1", 4, 8) !== "XS_M") throw new Error(`${path} is not an XS snapshot`);
  const sec: { [tag: string]: { at: number; size: number } } = {};
  for (let p = 8; p + 8 <= b.length; ) {
    const size = b.readUInt32BE(p);
    if (size < 8) throw new Error(`bad snapshot section at ${p}`);
    sec[b.toString("latin1", p + 4, p + 8)] = { at: p + 8, size: size - 8 };
    p += size;
  }
  if (!sec.VERS || !sec.HEAP || !sec.BLOC) throw new Error(`snapshot ${path} lacks VERS/HEAP/BLOC`);
  const slotBytes = Math.abs(b.readInt8(sec.VERS.at + 3));
  return { slotBytes, slots: sec.HEAP.size / slotBytes, chunkBytes: sec.BLOC.size, fileBytes: b.length };
}

/** A plain corpus telegram for the "reading" model (a Kamstrup water meter if there is one). */
export interface ReadingSample {
  telegram: string;
  key: string | null;
  driver: string | null;
}

async function snapshotFor(model: MemoryModel, n: number, sample: ReadingSample | undefined): Promise<SnapshotSizes> {
  const q = (p: string) => JSON.stringify(p);
  const withReading = model === "reading";
  const withTable = model === "unknown-table" && unknownTableAvailable();
  const entry = writeTempModule(
    "mem-entry.js",
    `import { buildMeters } from ${q(repoModule("host-tests/bench/xs-memory-harness"))};
${withReading ? `import { makeReading } from ${q(repoModule("firmware/meters/reading"))};` : ""}
${withTable ? `import { UnknownMeterTable } from ${q(repoModule("firmware/gateway/unknown-meters"))};` : ""}
buildMeters(${q(model)}, ${n}, ${withReading ? `{ ...${JSON.stringify(sample)}, makeReading }` : "undefined"}, ${withTable ? "UnknownMeterTable" : "undefined"});
`,
  );
  const dir = mkdtempSync(join(tmpdir(), "wmbus-mem-"));
  const bundle = join(dir, "bundle.js");
  await build({ entryPoints: [entry], bundle: true, format: "esm", target: "es2022", platform: "neutral", outfile: bundle, logLevel: "error" });
  const snap = join(dir, "heap.xss");
  try {
    execFileSync(xsnapPath(), ["-m", bundle, "-w", snap], { encoding: "utf8" });
    return snapshotSizes(snap);
  } finally {
    rmSync(dir, { recursive: true, force: true }); // snapshots are ~0.5 MB each
  }
}

/** True when the gateway's unknown-meter table (another worktree's module until merged) is built. */
export function unknownTableAvailable(): boolean {
  return existsSync(repoModule("firmware/gateway/unknown-meters"));
}

/** Heap per meter for one model, from snapshots at `small` and `large` meters. */
export async function meterCost(model: MemoryModel, opts: { small?: number; large?: number; sample?: ReadingSample } = {}): Promise<MeterCost> {
  const small = opts.small ?? 10;
  const large = opts.large ?? 1000;
  const a = await snapshotFor(model, small, opts.sample);
  const b = await snapshotFor(model, large, opts.sample);
  const n = large - small;
  const slots = (b.slots - a.slots) / n;
  const chunkBytes = (b.chunkBytes - a.chunkBytes) / n;
  return {
    model,
    small,
    large,
    slots,
    chunkBytes,
    hostBytes: slots * a.slotBytes + chunkBytes,
    deviceBytes: slots * DEVICE_SLOT_BYTES + chunkBytes,
  };
}

export { readingsAvailable };
