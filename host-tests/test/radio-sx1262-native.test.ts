/**
 * C ≡ TS for the SX1262 buffer service of the native radio task (firmware/native/wmbus_radio_sx1262.c) on a
 * scripted chip (host-tests/native/radio-sx1262-harness.c) against the TS FIFO state machine + CRC check, the
 * twins of what firmware/radio/sx1262/sx1262.ts does with the same bytes: frames, error counters, RSSI, the
 * packet end the 0x06BB updates produce (long frames included), and an RxDone inside the GetIrqStatus window.
 */
import { describe, expect, it } from "vitest";
import { stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import { FIFO_ERR_CODING, FIFO_ERR_SYNC, FIFO_FRAME, FIFO_MORE, FrameAssembler } from "../../firmware/phy/frame-assembler.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { buildSx1262Harness, runHarness } from "../native/harness.js";
import { lcg, randomFrame, type FrameKind } from "../sim/random-frames.js";

const SEED = Number(process.env.WMBUS_TWIN_SEED ?? 13757);
const hex = (b: Uint8Array): string => (b.length ? Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex").toUpperCase() : "-");
const RSSI_HALF_DB = -140; // the scripted chip's sync RSSI, -70 dBm
const RSSI_UNKNOWN_HALF_DB = -254; // RSSI_UNKNOWN_DBM (-127) of sx1262.ts

/** What the service must make of one packet: the TS state machine over the bytes the chip holds. */
function expected(kind: FrameKind, stream: Uint8Array, window: boolean): { line: string; rawTotal: number; complete: boolean } {
  const a = new FrameAssembler(kind === "S" ? "S" : "TC");
  // in the window case the packet ends at the engine's default length (255), before any 0x06BB update
  const limit = window ? 255 : stream.length;
  let status = FIFO_MORE as number;
  for (let i = 0; i < limit && status === FIFO_MORE; i++) status = a.feed(stream.subarray(i, i + 1));
  const frame = a.frame();
  const stripped = status === FIFO_FRAME ? (a.format === "B" ? stripFrameB(frame) : stripFrameA(frame)) : null;
  const crcOk = stripped !== null;
  const other = status !== FIFO_FRAME && status !== FIFO_ERR_CODING && status !== FIFO_ERR_SYNC; // length, overflow, cut short
  const flags = window ? 1 : 0;
  const counts = [crcOk ? 1 : 0, status === FIFO_FRAME && !crcOk ? 1 : 0, other ? 1 : 0, status === FIFO_ERR_CODING ? 1 : 0, status === FIFO_ERR_SYNC ? 1 : 0, flags, flags];
  const rssi = window ? RSSI_UNKNOWN_HALF_DB : RSSI_HALF_DB;
  return { line: `${counts.join(" ")}|${stripped !== null ? `${hex(stripped)} ${a.mode} ${a.format.toLowerCase()} ${rssi}` : "-"}`, rawTotal: a.rawTotal, complete: status === FIFO_FRAME };
}

describe("SX1262 buffer service of the radio task (C) ≡ FIFO state machine + CRC check (TS)", () => {
  it("queues intact frames, counts damaged ones and ends packets on the frame's last byte, for every mode", () => {
    const rnd = lcg(SEED + 2);
    const kinds: FrameKind[] = ["T", "CA", "CB", "S"];
    const lines: string[] = [];
    const want: ReturnType<typeof expected>[] = [];
    for (let i = 0; i < 600; i++) {
      const kind = kinds[i % 4];
      const window = i % 10 === 9;
      const { mode, format, frame } = randomFrame(rnd, kind);
      const total = fifoBytes(mode, format, frame).length;
      const body = fifoBytes(mode, format, frame);
      const stream = new Uint8Array(Math.max(total, 255) + 40); // trailing noise: the engine runs on until 0x06BB
      stream.set(body);
      for (let k = total; k < stream.length; k++) stream[k] = rnd(256);
      const damage = rnd(4);
      if (damage === 1) stream[rnd(total)] ^= 1 << rnd(8); // CRC, coding or header error
      if (damage === 2 && mode === "C") stream[1] = 0x11; // sync error
      const chunks = Array.from({ length: 2 + Math.ceil(stream.length / 2) }, () => 1 + rnd(40));
      lines.push(`sx ${kind === "S" ? "S" : "TC"} ${window ? 1 : 0} ${chunks.join(",")} ${hex(stream)}`);
      want.push(expected(kind, stream, window));
    }
    const c = runHarness(lines, buildSx1262Harness());
    let endedOnLastByte = 0, longEnded = 0;
    for (let i = 0; i < lines.length; i++) {
      const [cCounts, cEnd, cFrame] = c[i].split("|");
      const [counts, frame] = want[i].line.split("|");
      expect(cCounts, lines[i]).toBe(counts);
      expect(cFrame, lines[i]).toBe(frame);
      // a packet the service re-armed before its end (frame read whole by a poll) has no RxDone: END -1
      if (want[i].complete && cEnd !== "-1" && !lines[i].startsWith("sx TC 1") && !lines[i].startsWith("sx S 1")) {
        expect(Number(cEnd), lines[i]).toBe(want[i].rawTotal);
        endedOnLastByte++;
        if (want[i].rawTotal > 255) longEnded++;
      }
    }
    const delivered = c.filter((l) => l.startsWith("1 ")).length;
    expect(delivered).toBeGreaterThan(300);
    expect(delivered).toBeLessThan(600);
    expect(endedOnLastByte).toBeGreaterThan(250);
    expect(longEnded).toBeGreaterThan(20); // the count − 1 / mod-256 updates of AN1200.53
    expect(c.filter((l) => l.split(" ")[6].startsWith("1")).length).toBe(60); // every window case looped once
  });
});
