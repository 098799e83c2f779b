/**
 * Issue 16: the simulators stand on their own sources. The chip models and the air take their facts from
 * datasheet tables and the standard (host-tests/sim/cc1101/datasheet.ts, sx1262/datasheet.ts, air-encoder.ts),
 * never from the drivers or the firmware's line coding, so a misreading shared by both cannot pass.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeOnAir } from "../../firmware/phy/on-air.js";
import { decode3of6 } from "../../firmware/phy/three-of-six.js";
import { decodeManchester } from "../../firmware/phy/manchester.js";
import { C_FORMAT_CHIPS, MANCHESTER, SYNC_CHIPS, THREE_OF_SIX, encodeTransmission, transmissionChips } from "../sim/air-encoder.js";
import { lcg, randomFrame, type FrameKind } from "../sim/random-frames.js";
import { Air } from "../sim/air.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio } from "../rigs/sim-radio.js";
import type { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { CAL_VALID_DELTA_C } from "../sim/cc1101/datasheet.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";

const SIM = "host-tests/sim";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/**
 * Rigs wire the real drivers to the models (that is their purpose), so they live apart, in host-tests/rigs:
 * sim-radio.ts builds a driver from a board description; sx1262-rig.ts is its SX1262 test front; load.ts runs
 * the whole gateway receive path (RadioService) over the air; board-provider.ts runs boards/common/provider.js
 * and hands its bundles to firmware/radio/create-radio.ts; bidir-air.ts and valve-air.ts run bidirectional
 * meters against the firmware's Transmitter contract (firmware/radio/transmit.ts). No file under host-tests/sim
 * imports them.
 */
const RIGS_DIR = "host-tests/rigs";

describe("simulators do not import the drivers", () => {
  const all = files(SIM).map((p) => relative(process.cwd(), p));
  const imports = (p: string) => [...readFileSync(p, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);

  const valueImports = (p: string) => imports(p).filter((i) => i.includes("firmware/radio"));

  it("no model or air file imports from firmware/radio, not even a type", () => {
    const offenders = all.filter((p) => valueImports(p).length > 0);
    expect(offenders).toEqual([]);
  });

  it("no model or air file imports a rig (host-tests/rigs, where the drivers meet the models)", () => {
    const rigs = files(RIGS_DIR).map((r) => resolve(r));
    expect(rigs.length).toBeGreaterThan(0);
    for (const r of rigs) expect(readFileSync(r, "utf8"), r).toMatch(/firmware\/radio/);
    for (const p of all) {
      for (const i of imports(p)) expect(rigs.includes(resolve(dirname(p), i.replace(/\.js$/, ".ts"))), `${p} imports ${i}`).toBe(false);
    }
  });

  it("the air does not line-code with the firmware's phy/on-air.ts", () => {
    expect(imports(`${SIM}/air.ts`).filter((i) => i.includes("firmware/phy/on-air") || i.includes("three-of-six") || i.includes("manchester"))).toEqual([]);
  });
});

describe("air encoder from EN 13757-4 tables", () => {
  it("pins all 16 3-of-6 codes and both Manchester symbols (table 10; protocol.md §1.3, §1.4)", () => {
    expect(THREE_OF_SIX).toEqual([
      "010110", "001101", "001110", "001011", "011100", "011001", "011010", "010011",
      "101100", "100101", "100110", "100011", "110100", "110001", "110010", "101001",
    ]);
    // every code has three ones, and the 16 codes are distinct
    for (const c of THREE_OF_SIX) expect([...c].filter((x) => x === "1").length).toBe(3);
    expect(new Set(THREE_OF_SIX).size).toBe(16);
    expect(MANCHESTER).toEqual({ 1: "01", 0: "10" });
    expect(SYNC_CHIPS).toEqual({ T: "0000111101", C: "0101010000111101", S: "000111011010010110" });
    expect(C_FORMAT_CHIPS).toEqual({ A: "0101010011001101", B: "0101010000111101" });
  });

  it("encodes literal examples: T byte 0x2E, S byte 0xA5, C frame B header", () => {
    const body = (mode: "T" | "C" | "S", format: "A" | "B", frame: number[]) => {
      const s = transmissionChips(mode, format, Uint8Array.from(frame), 0);
      return s.slice(SYNC_CHIPS[mode].length + (mode === "C" ? 16 : 0));
    };
    expect(body("T", "A", [0x2e]).slice(0, 12)).toBe("001110" + "110010");
    expect(body("S", "A", [0xa5]).slice(0, 16)).toBe("0110011010011001");
    expect(transmissionChips("C", "B", Uint8Array.of(0x0c), 1).slice(0, 2 + 32 + 8)).toBe("01" + "0101010000111101" + "0101010000111101" + "00001100");
  });

  it("the firmware's encoder and decoders agree with it on random frames of every kind", () => {
    const rnd = lcg(16);
    for (let i = 0; i < 200; i++) {
      const kind = (["T", "CA", "CB", "S"] as FrameKind[])[i % 4];
      const { mode, format, frame } = randomFrame(rnd, kind);
      const ours = encodeTransmission(mode, format, frame);
      const fw = encodeOnAir(mode, format, frame);
      expect(fw.chipCount).toBe(ours.chipCount);
      expect(Buffer.from(fw.chips).equals(Buffer.from(ours.chips))).toBe(true);
      // and the firmware decodes what our encoder sent
      const chips = transmissionChips(mode, format, frame).slice(fw.fifoStart + (mode === "C" ? 16 : 0));
      const pack = (n: number) => Uint8Array.from({ length: n }, (_, k) => parseInt(chips.slice(8 * k, 8 * k + 8).padEnd(8, "0"), 2));
      if (mode !== "C") {
        const got = mode === "T" ? decode3of6(pack(Math.ceil((12 * frame.length) / 8)), frame.length) : decodeManchester(pack(2 * frame.length), frame.length);
        expect(got.ok).toBe(true);
        expect(Buffer.from(got.bytes).equals(Buffer.from(frame))).toBe(true);
      }
    }
  });
});

describe("CC1101 model: calibration drift with temperature", () => {
  it("a temperature swing beyond the calibration's range deafens the chip until the driver's next calibration", () => {
    const scheduler = new Scheduler();
    const air = new Air(scheduler);
    const frames: RadioFrame[] = [];
    const sim = createSimRadio({ chip: "cc1101", air, scheduler, onFrame: (f) => frames.push(f) });
    const chip = sim.chip as Cc1101Sim;
    scheduler.advance(2000);
    const send = () => {
      const { mode, format, frame } = randomFrame(lcg(frames.length + 1), "CA");
      const s = air.transmit({ mode, format, frame, rssiDbm: -70, at: scheduler.now + 1000 });
      scheduler.runUntil(s.end + 5000);
    };
    send();
    expect(frames.length).toBe(1);
    chip.temperatureC += CAL_VALID_DELTA_C + 5; // e.g. a gateway in an attic from morning to noon
    expect(chip.pllLocked).toBe(false);
    send();
    expect(frames.length).toBe(1); // lost: the synthesizer is off
    scheduler.advance(61_000_000); // the driver's once-a-minute calibration (DEFAULT_CALIBRATE_EVERY_MS)
    expect(chip.pllLocked).toBe(true);
    send();
    expect(frames.length).toBe(2);
  });
});
