/**
 * Strip once, walk once (issue 13): on the gateway path every frame has its DLL CRCs checked-and-stripped once
 * (by the radio, or by the gateway for a source that hands over frames with CRCs) and its CI chain walked once
 * (the telegram id's walk, which the decoder reuses; resuming after an ELL decryption is the same walk). Counted
 * with a PassCounter injected into the gateway (which passes it to its decoder), not with module state.
 */
import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { FIFO_FRAME, FrameAssembler } from "../../firmware/phy/frame-assembler.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { intactFrame } from "../../firmware/radio/assembled-frame.js";
import type { RadioFrame, RadioStats } from "../../firmware/radio/radio.js";
import type { PassCounter } from "../../firmware/vocabulary.js";
import { Apartment, type Transmission } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";

const cipher = nodeCipher();

/** The frame as a radio driver delivers it: FIFO bytes through the FrameAssembler and radio/assembled-frame.ts. */
function viaRadio(tx: Transmission): RadioFrame {
  const asm = new FrameAssembler(tx.mode === "S" ? "S" : "TC");
  asm.reset();
  expect(asm.feed(fifoBytes(tx.mode, tx.format, tx.bytes))).toBe(FIFO_FRAME);
  const stats = { crcErrors: 0 } as RadioStats;
  const got = intactFrame(asm, stats)!;
  expect(got.stripped).toBeInstanceOf(Uint8Array); // the radio's one strip, carried forward
  return { ...got, rssiDbm: tx.rssiDbm, receivedAt: tx.at };
}

function run(ap: Apartment, frameOf: (tx: Transmission) => RadioFrame): { frames: number; perFrame: PassCounter[]; verdicts: Record<string, number> } {
  const counter: PassCounter = { crcStrips: 0, chainWalks: 0 };
  const clock = new SimClock(ap.startMs);
  const { config } = parseConfig(ap.settings("gw"));
  const gateway = new Gateway({ config, clock, cipher, hub: new MemoryHub(), counter });
  const perFrame: PassCounter[] = [];
  const verdicts: Record<string, number> = {};
  let frames = 0;
  for (let round = 0; round < 2; round++) {
    for (const m of ap.meters) {
      for (const tx of m.transmit()) {
        const before = { ...counter };
        clock.advanceTo(tx.at);
        const v = gateway.handleFrame(frameOf(tx));
        verdicts[v] = (verdicts[v] ?? 0) + 1;
        perFrame.push({ crcStrips: counter.crcStrips - before.crcStrips, chainWalks: counter.chainWalks - before.chainWalks });
        frames++;
      }
    }
  }
  return { frames, perFrame, verdicts };
}

describe("one pass per frame on the gateway path", () => {
  it("frames from the radio: no CRC strip in the gateway or decoder, one CI-chain walk", () => {
    const ap = new Apartment({ cipher, seed: 7 });
    const r = run(ap, viaRadio);
    expect(r.verdicts.reading).toBeGreaterThan(40);
    expect(r.verdicts.unknown_meter).toBeGreaterThan(0);
    for (const c of r.perFrame) expect(c).toEqual({ crcStrips: 0, chainWalks: 1 });
  });

  it("frames with CRCs (a source that did not strip): one strip, one walk", () => {
    const ap = new Apartment({ cipher, seed: 7 });
    const r = run(ap, (tx) => ({ bytes: tx.bytes, mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at }));
    expect(r.verdicts.reading).toBeGreaterThan(40);
    for (const c of r.perFrame) expect(c).toEqual({ crcStrips: 1, chainWalks: 1 });
  });

  it("the decoder alone (CLI path): one strip attempt and one walk per telegram", async () => {
    const { TelegramDecoder } = await import("../../firmware/decoder/decoder.js");
    const counter: PassCounter = { crcStrips: 0, chainWalks: 0 };
    const dec = new TelegramDecoder({ cipher, counter });
    const ap = new Apartment({ cipher, seed: 7 });
    let n = 0;
    for (const m of ap.meters) for (const tx of m.transmit()) {
      dec.decode(tx.bytes);
      n++;
      expect(counter).toEqual({ crcStrips: n, chainWalks: n });
    }
  });
});
