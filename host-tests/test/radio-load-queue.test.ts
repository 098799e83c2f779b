/**
 * C ≡ TS for the native radio service: the frame queue (firmware/native/wmbus_radio_queue.c vs
 * firmware/radio/frame-queue.ts) on random operation sequences, and the CC1101 FIFO service of the radio task
 * (wmbus_radio_cc1101.c) on a scripted chip against the TS FIFO state machine + CRC check.
 *
 * Queue sequences: 100 000 by default (the brief's acceptance figure, ≈ 5 s); WMBUS_QUEUE_RUNS changes the
 * count, WMBUS_TWIN_SEED the seed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { addFrameACrc, stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import { FIFO_ERR_CODING, FIFO_ERR_SYNC, FIFO_FRAME, FIFO_MORE, FrameAssembler } from "../../firmware/phy/frame-assembler.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { packetEnd } from "../../firmware/radio/cc1101/cc1101-receive.js";
import { FrameQueue } from "../../firmware/radio/frame-queue.js";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildRadioHarness, NATIVE_DIR, ROOT, runHarness, xsIncludeDirs } from "../native/harness.js";
import { lcg, randomFrame, type FrameKind } from "../sim/random-frames.js";

const RUNS = Number(process.env.WMBUS_QUEUE_RUNS ?? 100_000);
const SEED = Number(process.env.WMBUS_TWIN_SEED ?? 13757);

const hex = (b: Uint8Array): string => (b.length ? Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex").toUpperCase() : "-");
const unhex = (s: string): Uint8Array => (s === "-" ? new Uint8Array(0) : new Uint8Array(Buffer.from(s, "hex")));
const letter = (c: number): string => String.fromCharCode(c);

type QueueOp = { push: Uint8Array; mode: string; format: string; rssi: number; time: number } | null;

/** One random operation sequence as a harness line and as data for the TS twin. */
function queueCase(rnd: (n: number) => number): { cap: number; max: number; ops: QueueOp[]; line: string } {
  const cap = 1 + rnd(8);
  const max = rnd(5) === 0 ? 290 : 1 + rnd(16);
  const ops: QueueOp[] = [];
  const n = 1 + rnd(24);
  for (let i = 0; i < n; i++) {
    if (rnd(5) < 3) {
      const len = max === 290 && rnd(20) === 0 ? 289 + rnd(3) : rnd(Math.min(max, 24) + 2);
      const push = new Uint8Array(len);
      for (let k = 0; k < len; k++) push[k] = rnd(256);
      ops.push({ push, mode: "TCS"[rnd(3)], format: "AB"[rnd(2)], rssi: rnd(65536) - 32768, time: (rnd(65536) * 65536 + rnd(65536)) >>> 0 });
    } else ops.push(null);
  }
  const text = ops.map((o) => (o ? `p:${hex(o.push)}:${o.mode}:${o.format}:${o.rssi}:${o.time}` : "x")).join(" ");
  return { cap, max, ops, line: `rq ${cap} ${max} ${text}` };
}

function tsQueue(c: { cap: number; max: number; ops: QueueOp[] }): string {
  const q = new FrameQueue(c.cap, c.max);
  const out = c.ops.map((o) => {
    if (o) return `P${q.push(o.push, o.push.length, o.mode.charCodeAt(0), o.format.charCodeAt(0), o.rssi, o.time) ? 1 : 0}`;
    const head = q.headLength < 0 ? "-" : `${q.headLength} ${letter(q.headMode)} ${letter(q.headFormat)} ${q.headRssiHalfDb} ${q.headTime} ${hex(q.headBytes())}`;
    return `${head} X${q.pop() ? 1 : 0}`;
  });
  const s = q.stats;
  return `${out.join(";")}|${s.pushed} ${s.popped} ${s.overflows} ${s.tooLong} ${s.highWater}`;
}

/** What the radio task must make of one scripted frame: the TS FIFO state machine + DLL CRC check. */
function tsService(kind: FrameKind, stream: Uint8Array, total: number): string {
  const a = new FrameAssembler(kind === "S" ? "S" : "TC");
  let status = FIFO_MORE as number;
  for (let i = 0; i < total && status === FIFO_MORE; i++) status = a.feed(stream.subarray(i, i + 1));
  const frame = a.frame();
  const stripped = status === FIFO_FRAME ? (a.format === "B" ? stripFrameB(frame) : stripFrameA(frame)) : null;
  const crcOk = stripped !== null;
  const counts = [crcOk ? 1 : 0, status === FIFO_FRAME && !crcOk ? 1 : 0, status < 0 && status !== FIFO_ERR_CODING && status !== FIFO_ERR_SYNC ? 1 : 0, status === FIFO_ERR_CODING ? 1 : 0, status === FIFO_ERR_SYNC ? 1 : 0, 0];
  // PKTLEN and the fixed-length switch are compared for complete frames only: an error found in the same
  // FIFO read as the header ends the frame before the length is programmed
  const regs = status === FIFO_FRAME ? `${packetEnd(a.rawTotal) & 0xff} 1` : "";
  return `${counts.join(" ")}|${regs}|${stripped !== null ? `${hex(stripped)} ${a.mode} ${a.format.toLowerCase()}` : "-"}`; // queued without CRCs
}

beforeAll(() => {
  buildRadioHarness();
});

describe("frame queue: C ≡ TS", () => {
  it(`gives identical results on ${RUNS} random operation sequences`, () => {
    const rnd = lcg(SEED);
    const cases = Array.from({ length: RUNS }, () => queueCase(rnd));
    const c = runHarness(cases.map((x) => x.line), buildRadioHarness());
    let overflows = 0, tooLong = 0, mismatches = 0;
    for (let i = 0; i < cases.length; i++) {
      const ts = tsQueue(cases[i]);
      if (ts !== c[i] && mismatches++ < 3) expect(c[i], cases[i].line).toBe(ts);
      const stats = ts.split("|")[1].split(" ").map(Number);
      overflows += stats[2];
      tooLong += stats[3];
    }
    expect(mismatches).toBe(0);
    // the sequences reach both drop paths
    expect(overflows).toBeGreaterThan(RUNS / 20);
    expect(tooLong).toBeGreaterThan(RUNS / 20);
  });

  it("keeps order, metadata and counters (TS)", () => {
    const q = new FrameQueue(2, 4);
    expect(q.push(Uint8Array.of(1, 2), 2, 84, 65, -181.2, 2 ** 32 + 5)).toBe(true);
    expect(q.push(Uint8Array.of(3, 4, 5, 6, 7), 5, 67, 66, 0, 0)).toBe(false);
    expect(q.push(Uint8Array.of(3), 1, 67, 66, 0, 9)).toBe(true);
    expect(q.push(Uint8Array.of(9), 1, 67, 66, 0, 9)).toBe(false);
    expect([q.headLength, letter(q.headMode), letter(q.headFormat), q.headRssiHalfDb, q.headTime, hex(q.headBytes())]).toEqual([2, "T", "A", -181, 5, "0102"]);
    expect(q.pop()).toBe(true);
    expect(hex(q.headBytes())).toBe("03");
    expect(q.pop()).toBe(true);
    expect(q.pop()).toBe(false);
    expect(q.headLength).toBe(-1);
    expect(q.stats).toEqual({ pushed: 2, popped: 2, overflows: 1, tooLong: 1, highWater: 2 });
    expect(() => new FrameQueue(0)).toThrow(/capacity 0/);
  });
});

describe("CC1101 FIFO service of the radio task (C) ≡ FIFO state machine + CRC check (TS)", () => {
  it("queues intact frames and counts damaged ones, for every mode, in random FIFO chunks", () => {
    const rnd = lcg(SEED + 1);
    const kinds: FrameKind[] = ["T", "CA", "CB", "S"];
    const lines: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = kinds[i % 4];
      const { mode, format, frame } = randomFrame(rnd, kind);
      const total = fifoBytes(mode, format, frame).length;
      const stream = fifoBytes(mode, format, frame, 1 + rnd(8));
      const damage = rnd(4);
      if (damage === 1) stream[rnd(total)] ^= 1 << rnd(8); // CRC, coding or header error
      if (damage === 2 && mode === "C") stream[1] = 0x11; // sync error
      const chunks = Array.from({ length: 2 + Math.ceil(stream.length / 2) }, () => 1 + rnd(40));
      lines.push(`cc ${kind === "S" ? "S" : "TC"} ${total} ${chunks.join(",")} ${hex(stream)}`);
      expected.push(tsService(kind, stream, total));
    }
    const c = runHarness(lines, buildRadioHarness());
    let programmed = 0;
    const delivered = c.filter((l) => l.startsWith("1 ")).length;
    for (let i = 0; i < lines.length; i++) {
      const [counts, regs, frame] = expected[i].split("|");
      const [cCounts, cRegs, cFrame] = c[i].split("|");
      expect(cCounts, lines[i]).toBe(counts);
      expect(cFrame, lines[i]).toBe(frame);
      // a frame that arrived whole before the first read is complete before any length is programmed
      if (regs && cRegs !== "-1 0") {
        expect(cRegs, lines[i]).toBe(regs);
        programmed++;
      }
    }
    expect(delivered).toBeGreaterThan(250);
    expect(delivered).toBeLessThan(400);
    expect(programmed).toBeGreaterThan(200);
    expect(unhex(c.find((l) => l.startsWith("1 "))!.split("|")[2].split(" ")[0]).length).toBeGreaterThan(10);
  });
});

describe("native radio task, device-only C", () => {
  it("wmbus_radio_task_esp32.c compiles with -Wall -Wextra -Werror against stubs of the ESP-IDF calls it makes", () => {
    // host-tests/native/esp-idf-stubs/README.md: declarations only, the esp32 build checks the real headers
    const args = ["-fsyntax-only", "-std=gnu99", "-Wall", "-Wextra", "-Werror", "-I", join(ROOT, "host-tests/native/esp-idf-stubs"), "-I", NATIVE_DIR];
    for (const d of xsIncludeDirs()) args.push("-I", d);
    let err = "";
    try {
      execFileSync("gcc", [...args, join(NATIVE_DIR, "wmbus_radio_task_esp32.c")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      err = (e as { stderr?: string }).stderr || String(e);
    }
    expect(err).toBe("");
  });
});

describe("CC1101 FIFO service of the radio task (C): PKTLEN is never 0 (issue 16)", () => {
  it("a frame of 256 FIFO bytes (C frame A, L = 223) gets PKTLEN (256 + 1) mod 256 = 1, fixed length", () => {
    const body = new Uint8Array(224);
    for (let i = 1; i < body.length; i++) body[i] = (i * 37) & 0xff;
    body[0] = 223;
    const frame = addFrameACrc(body);
    const stream = fifoBytes("C", "A", frame, 4);
    expect(fifoBytes("C", "A", frame).length).toBe(256);
    const [line] = runHarness([`cc TC 256 8,40,40,40,40,40,40,40,40 ${hex(stream)}`], buildRadioHarness());
    const [counts, regs] = line.split("|");
    expect(counts.startsWith("1 ")).toBe(true);
    expect(regs).toBe("1 1");
  });
});
