/**
 * The transmit split (firmware/phy/tx-plan.ts) against the standard's tables and the decode direction, and its
 * native twin (firmware/native/wmbus_tx.c) against it on random inputs, as the other native twins
 * (host-tests/native/README.md): the chip stream, its radio preamble / sync word / FIFO payload split, the
 * "send at" time and the window check of the native turnaround.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { linkMode, type LinkModeName } from "../../firmware/phy/modes.js";
import { decode3of6 } from "../../firmware/phy/three-of-six.js";
import { decodeManchester } from "../../firmware/phy/manchester.js";
import { planTransmission, type TxPlan } from "../../firmware/phy/tx-plan.js";
import { CC1101_PREAMBLE_BYTES, cc1101Preamble } from "../../firmware/radio/cc1101/cc1101-transmit.js";
import { sx1262Preamble } from "../../firmware/radio/sx1262/sx1262-transmit.js";
import { downlinkDue, inWindow, strobeAt } from "../../firmware/radio/transmit.js";
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import { toHex } from "../../firmware/util/hex.js";
import { packChips, transmissionChips } from "../sim/air-encoder.js";
import { Prng } from "../sim/prng.js";
import { buildTxHarness } from "../native/harness.js";

const RUNS = Number(process.env.WMBUS_TWIN_RUNS ?? 3000);
const MODES: readonly { mode: LinkModeName; format: "A" | "B" }[] = [
  { mode: "T1", format: "A" }, { mode: "C1", format: "A" }, { mode: "C1", format: "B" }, { mode: "S1", format: "A" },
  { mode: "S2", format: "A" }, { mode: "T2-down", format: "A" }, { mode: "C2-down", format: "A" }, { mode: "C2-down", format: "B" },
];

function randomFrame(p: Prng, format: "A" | "B"): Uint8Array {
  const len = p.int(format === "A" ? 9 : 11, format === "A" ? 240 : 250);
  const body = new Uint8Array(len + 1);
  for (let i = 1; i < body.length; i++) body[i] = p.byte();
  body[0] = len;
  return format === "A" ? addFrameACrc(body) : addFrameBCrc(body);
}

/** The radio's whole stream for a plan: its preamble bytes (`01010101`), the sync word, the payload. */
function stream(plan: TxPlan): Uint8Array {
  const s = new Uint8Array(plan.preambleBytes + 2 + plan.payload.length).fill(0x55, 0, plan.preambleBytes);
  s[plan.preambleBytes] = plan.syncWord >> 8;
  s[plan.preambleBytes + 1] = plan.syncWord & 0xff;
  s.set(plan.payload, plan.preambleBytes + 2);
  return s;
}

describe("transmit split (phy/tx-plan.ts) against the standard's tables and the decoders", () => {
  it("sync words: T and C 0x543D, S and the T2 downlink 0x5476 (0x547696 = preamble tail + S sync, protocol.md §1.2)", () => {
    const f = randomFrame(new Prng(1), "A");
    expect(planTransmission("T1", "A", f, cc1101Preamble)).toMatchObject({ preambleBytes: 4, syncWord: 0x543d });
    const c = planTransmission("C1", "B", addFrameBCrc(f.subarray(0, 20).map((b, i) => (i === 0 ? 19 : b))), cc1101Preamble);
    expect([c.preambleBytes, c.syncWord, toHex(c.payload.subarray(0, 2))]).toEqual([4, 0x543d, "543D"]);
    const s2 = planTransmission("T2-down", "A", f, cc1101Preamble);
    expect([s2.preambleBytes, s2.syncWord, s2.payload[0]]).toEqual([3, 0x5476, 0x96]);
    // S1: 279 pairs = 69 whole bytes; the CC1101 makes 24 of them and sends 0x5555 as its "sync word"
    const s1 = planTransmission("S1", "A", f, cc1101Preamble);
    expect([s1.preambleBytes, s1.syncWord]).toEqual([24, 0x5555]);
    expect(planTransmission("S1", "A", f, sx1262Preamble)).toMatchObject({ preambleBytes: 69, syncWord: 0x5476 });
  });

  it("every mode and radio: the stream is the air encoder's (standard tables), the payload decodes back to the frame", () => {
    const p = new Prng(7);
    for (let run = 0; run < 200; run++) {
      const { mode, format } = MODES[run % MODES.length];
      const frame = randomFrame(p, format);
      const m = linkMode(mode);
      for (const pick of [cc1101Preamble, sx1262Preamble]) {
        const plan = planTransmission(mode, format, frame, pick);
        const want = packChips(transmissionChips(m.phy, format, frame, m.minPreamblePairs ?? 16));
        expect(toHex(stream(plan))).toBe(toHex(want.chips));
        expect(plan.chipCount).toBe(want.chipCount);
        expect(plan.airtimeUs).toBe(Math.round((want.chipCount * 1e6) / m.chipRate));
        // the decode direction: the body after the sync (and C's format word / S's last sync byte) gives the frame
        const whole = ((2 * (m.minPreamblePairs ?? 16)) >> 3) - plan.preambleBytes; // preamble bytes in the FIFO
        const body = plan.payload.subarray(whole + (m.phy === "C" ? 2 : m.phy === "S" ? 1 : 0));
        const dec = m.phy === "T" ? decode3of6(body, frame.length) : m.phy === "S" ? decodeManchester(body, frame.length) : { ok: true, bytes: body.subarray(0, frame.length) };
        expect(dec.ok).toBe(true);
        expect(toHex(dec.bytes)).toBe(toHex(frame));
      }
    }
  });
});

describe("native twin wmbus_tx.c ≡ TS on random inputs", () => {
  const h = buildTxHarness();
  const ask = (lines: string[]) => {
    const r = spawnSync(h.bin, { input: lines.join("\n") + "\n", encoding: "utf8", env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" }, maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim().split("\n");
  };

  it(`plan: ${RUNS} random frames, modes and radios (CC1101 preamble choices / SX1262 any)`, () => {
    const p = new Prng(Number(process.env.WMBUS_TWIN_SEED ?? 18));
    const lines: string[] = [], want: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { mode, format } = MODES[p.int(0, MODES.length - 1)];
      const m = linkMode(mode);
      const frame = p.next() < 0.05 ? Uint8Array.from({ length: p.int(0, 12) }, () => p.byte()) : randomFrame(p, format);
      const cc = p.next() < 0.5;
      lines.push(`plan ${m.phy} ${format} ${m.minPreamblePairs ?? 16} ${cc ? toHex(Uint8Array.from(CC1101_PREAMBLE_BYTES)) : "-"} ${toHex(frame) || "00"}`);
      try {
        const plan = planTransmission(mode, format, frame, cc ? cc1101Preamble : sx1262Preamble);
        want.push(`ok ${plan.preambleBytes} ${plan.syncWord.toString(16).padStart(4, "0")} ${toHex(plan.payload).toLowerCase()}`);
      } catch {
        want.push("err");
      }
    }
    expect(ask(lines)).toEqual(want);
  });

  it(`strobe time, window check and pending-downlink match: ${RUNS} random cases each`, () => {
    const p = new Prng(19);
    const lines: string[] = [], want: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const now = p.int(0, 1e9), start = now + p.int(-5000, 200_000), ready = p.int(0, 2000), lead = p.int(0, 500);
      lines.push(`strobe ${now} ${start} ${ready} ${lead}`);
      want.push(String(strobeAt(now, start, ready, lead)));
      const end = p.int(0, 1e9), started = end + p.int(-1000, 120_000), open = p.int(0, 100_000), close = open + p.int(0, 2000);
      lines.push(`win ${end} ${started} ${open} ${close}`);
      want.push(inWindow(end, started, open, close) ? "1" : "0");
      const frame = Uint8Array.from({ length: p.int(8, 30) }, () => p.byte());
      const address = p.next() < 0.5 && frame.length >= 10 ? frame.slice(2, 10) : Uint8Array.from({ length: 8 }, () => p.byte());
      const margin = p.int(0, 1000);
      lines.push(`due ${toHex(address)} ${open} ${close} ${margin} ${toHex(frame)} ${end}`);
      want.push(String(downlinkDue({ address, open, close, margin }, frame, end)));
    }
    expect(ask(lines)).toEqual(want);
  });
});
