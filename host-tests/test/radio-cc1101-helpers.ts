/** Shared set-up of the CC1101 acceptance tests: one simulated gateway radio and a scripted meter sequence. */
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";
import { Air, type AirOptions, type AirSignal } from "../sim/air.js";
import type { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { Prng } from "../sim/prng.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio, type SimRadio } from "../rigs/sim-radio.js";
import type { CC1101 } from "../../firmware/radio/cc1101/cc1101.js";

export interface Sent {
  mode: PhyMode;
  format: FrameFormat;
  frame: Uint8Array;
}

export interface Rig {
  scheduler: Scheduler;
  air: Air;
  sim: SimRadio;
  chip: Cc1101Sim;
  radio: CC1101;
  frames: RadioFrame[];
  diagnostics: string[];
  /** Sends the frames one after another (gapUs of silence between) and runs until the last has ended. */
  send(frames: readonly Sent[], opts?: { gapUs?: number; rssiDbm?: number; freqOffsetHz?: number }): AirSignal[];
  run(us: number): void;
}

export function rig(listen: RadioListen = "TC", air: AirOptions = {}, latencyUs = 50): Rig {
  const scheduler = new Scheduler();
  const a = new Air(scheduler, air);
  const frames: RadioFrame[] = [];
  const diagnostics: string[] = [];
  const sim = createSimRadio({ chip: "cc1101", air: a, scheduler, listen, onFrame: (f) => frames.push(f), onDiagnostic: (m) => diagnostics.push(m), latencyUs });
  scheduler.advance(2_000);
  return {
    scheduler,
    air: a,
    sim,
    chip: sim.chip as Cc1101Sim,
    radio: sim.radio as CC1101,
    frames,
    diagnostics,
    send(list, opts = {}) {
      let t = scheduler.now + 1_000;
      const signals: AirSignal[] = [];
      for (const f of list) {
        const s = a.transmit({ ...f, rssiDbm: opts.rssiDbm ?? -75, at: t, freqOffsetHz: opts.freqOffsetHz });
        signals.push(s);
        t = s.end + (opts.gapUs ?? 2_500);
      }
      scheduler.runUntil(t + 5_000);
      return signals;
    },
    run(us) {
      scheduler.advance(us);
    },
  };
}

/** A valid frame of the longest L the format allows (A: L = 255, 290 bytes; B: L = 255, 256 bytes). */
export function longestFrame(format: FrameFormat, seed = 3): Uint8Array {
  const prng = new Prng(seed);
  const n = format === "A" ? 256 : 252; // bytes without CRCs, L included
  const t = new Uint8Array(n);
  t[0] = n - 1;
  t.set([0x44, 0x2d, 0x2c, 0x78, 0x56, 0x34, 0x12, 0x1b, 0x16, 0x7a], 1);
  for (let i = 11; i < n; i++) t[i] = prng.byte();
  return format === "A" ? addFrameACrc(t) : addFrameBCrc(t);
}

/** Hex of a frame, for comparing byte sequences in assertions. */
export { toHex as hex } from "../../firmware/util/hex.js";
