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
import type { TransmitCounts, Transmitter, TransmitRequest, TransmitResult } from "../../firmware/radio/transmit.js";
import { toHex } from "../../firmware/util/hex.js";
import { Air } from "../sim/air.js";
import { type CodedFrame, wirelessCorpusFrames, type Variant } from "../sim/corpus-frames.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio, type SimChipKind, type SimRadio } from "../rigs/sim-radio.js";
import { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import type { Sx1262Sim } from "../sim/sx1262/chip.js";
import { linkMode } from "../../firmware/phy/modes.js";
import { txDeviationHz } from "../../firmware/phy/tx-plan.js";

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
        const signals = b.tx.chip instanceof Cc1101Sim ? b.tx.chip.stats.transmissions : b.tx.chip.transmissions;
        if (b.tx.chip instanceof Cc1101Sim) expect(b.tx.chip.stats).toMatchObject({ txPackets: frames.length, txUnderflows: 0, unknownPaSettings: 0, paOff: 0 });
        else expect([b.tx.chip.txPackets, b.tx.chip.paProblems]).toEqual([frames.length, []]);
        // carrier, chip rate and deviation on air as the registers set them: within the receivers' tolerances
        const want = linkMode(link);
        for (const s of signals) {
          expect(Math.abs(s.frequencyHz - want.frequencyHz)).toBeLessThan(1_000);
          // CC1101 at 26 MHz: 99 975.6 chips/s (−244 ppm) and 32 730 (−0.12 %) are its nearest DRATE values (§12)
          expect(Math.abs(s.chipRate / want.chipRate - 1)).toBeLessThan(0.002);
          expect(Math.abs(s.deviationHz - txDeviationHz(link))).toBeLessThan(1_500);
          expect(s.rssiDbm).toBe(-70); // +10 dBm (CC1101 PATABLE 0xC2) − 80 dB, +14 dBm (SX1262) − 84 dB
        }
        if (process.env.TX_FIGURES) console.log(txChip, variant, frames.map((f) => f.frame.length), JSON.stringify(signals.map((s) => [s.frequencyHz, s.chipRate, s.deviationHz, s.rssiDbm, (s.end - s.start) / 1000])));
        for (const chip of ["cc1101", "sx1262"] as const) {
          expect(b.heard[chip].map((f) => toHex(f.bytes)), chip).toEqual(frames.map((f) => toHex(f.frame)));
          for (const f of b.heard[chip]) expect([f.mode, f.format]).toEqual([frames[0].mode, frames[0].format]);
        }
      }, 20_000);
    }
  }
});

/**
 * Plants a wrong TX setting on the SPI bus between driver and chip, as a driver bug would write it. CC1101: the
 * data byte of a single register write (or the first PATABLE byte); SX1262: parameter `index` of a command.
 */
function plant(chip: Cc1101Sim | Sx1262Sim, target: number, index: number, value: (v: number) => number): void {
  const c = chip as unknown as { select(a: boolean): void; exchange(b: number): number };
  const select = c.select.bind(c), exchange = c.exchange.bind(c);
  let pos = -1, head = -1;
  c.select = (a: boolean) => {
    pos = a ? 0 : -1;
    head = -1;
    select(a);
  };
  c.exchange = (b: number) => {
    if (pos === 0) head = b;
    let out = b;
    if (pos === index + 1 && head === target) out = value(b) & 0xff;
    if (pos >= 0) pos++;
    return exchange(out);
  };
}

describe("wrong TX settings are caught by the chip models: the frame is decodable nowhere", () => {
  const frame = () => framesOf("T1", 255)[1];
  // `driverSees`: the driver's own check fails the send too (the packet outlasts the airtime it planned for)
  const cases: { name: string; chip: SimChipKind; target: number; index: number; value: (v: number) => number; evidence(c: Cc1101Sim | Sx1262Sim): unknown; driverSees?: boolean }[] = [
    { name: "CC1101 DEVIATN 0x15 (±5.2 kHz instead of ±50.8)", chip: "cc1101", target: 0x15, index: 0, value: () => 0x15, evidence: (c) => (c as Cc1101Sim).stats.transmissions[0].deviationHz < 6000 },
    { name: "CC1101 DRATE_M 0x00 (50.8 kchip/s instead of 100)", chip: "cc1101", target: 0x11, index: 0, value: () => 0x00, evidence: (c) => (c as Cc1101Sim).stats.transmissions[0].chipRate < 60_000, driverSees: true },
    { name: "CC1101 PATABLE 0x00 (PA off)", chip: "cc1101", target: 0x7e, index: 0, value: () => 0x00, evidence: (c) => (c as Cc1101Sim).stats.paOff === 1 },
    { name: "CC1101 MDMCFG2 with MANCHESTER_EN", chip: "cc1101", target: 0x12, index: 0, value: (v) => v | 0x08, evidence: (c) => (c as Cc1101Sim).stats.transmissions[0].chipCount > 1200, driverSees: true },
    { name: "SX1262 deviation word 1/25 of ±50 kHz", chip: "sx1262", target: 0x8b, index: 6, value: (v) => v / 25, evidence: (c) => (c as Sx1262Sim).transmissions[0].deviationHz < 3000 },
    { name: "SX1262 bit rate word ×2 (50 kb/s)", chip: "sx1262", target: 0x8b, index: 1, value: (v) => v * 2, evidence: (c) => (c as Sx1262Sim).transmissions[0].chipRate < 60_000, driverSees: true },
    { name: "SX1262 SetPaConfig deviceSel 1 (the SX1261's PA)", chip: "sx1262", target: 0x95, index: 2, value: () => 1, evidence: (c) => (c as Sx1262Sim).paProblems.length === 1 },
    { name: "SX1262 DIO2 not driving the RF switch (Heltec V3)", chip: "sx1262", target: 0x9d, index: 0, value: () => 0, evidence: (c) => /DIO2/.test((c as Sx1262Sim).paProblems.join()) },
  ];
  for (const k of cases) {
    it(k.name, async () => {
      const b = bench(k.chip, "TC");
      if (k.target === 0x9d) {
        // SetDIO2AsRfSwitchCtrl is part of the set-up: plant it, then set the chip up again
        plant(b.tx.chip, k.target, k.index, k.value);
        b.tx.radio.start("TC");
        b.scheduler.advance(50_000);
      } else plant(b.tx.chip, k.target, k.index, k.value);
      const f = frame();
      const res = await b.send({ bytes: f.frame, format: "A", mode: "T1" });
      expect(res.ok).toBe(!k.driverSees); // otherwise the driver cannot tell: only the air can
      expect(k.evidence(b.tx.chip)).toBe(true);
      expect(b.heard.cc1101).toHaveLength(0);
      expect(b.heard.sx1262).toHaveLength(0);
      // the same bench without the planted fault delivers (the fault, not the bench, lost the frame)
      const ok = bench(k.chip, "TC");
      expect((await ok.send({ bytes: f.frame, format: "A", mode: "T1" })).ok).toBe(true);
      expect(ok.heard.cc1101.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
      expect(ok.heard.sx1262.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
    }, 20_000);
  }
});

describe("one transmission at a time", () => {
  for (const txChip of ["cc1101", "sx1262"] as const) {
    it(`${txChip}: a second transmit while one runs is refused, and the running one still ends on air and in its counters`, async () => {
      const b = bench(txChip, "TC");
      const f = framesOf("T1", 255)[2];
      const radio = b.tx.radio as unknown as Transmitter;
      let first: TransmitResult | undefined;
      void radio.transmit({ bytes: f.frame, format: "A", mode: "T1" }).then((r) => (first = r));
      b.scheduler.advance(1_000); // the first is on air now
      await flush();
      expect(first).toBeUndefined();
      // a second and a third try: both busy (a refusal must not mark the radio free)
      const later: TransmitResult[] = [];
      for (let i = 0; i < 2; i++) void radio.transmit({ bytes: f.frame, format: "A", mode: "T1" }).then((r) => later.push(r));
      await flush();
      expect(later).toEqual([1, 2].map(() => ({ ok: false, reason: `${txChip}: busy with another transmission` })));
      for (let i = 0; i < 400 && !first; i++) {
        b.scheduler.advance(500);
        await flush();
      }
      b.scheduler.advance(5_000);
      expect(first).toMatchObject({ ok: true });
      expect(b.heard.cc1101.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
      expect(b.heard.sx1262.map((x) => toHex(x.bytes))).toEqual([toHex(f.frame)]);
      const r = b.tx.radio as unknown as { cc1101Stats?: TransmitCounts; sx1262Stats?: TransmitCounts };
      const stats = (txChip === "cc1101" ? r.cc1101Stats : r.sx1262Stats)!;
      expect([stats.transmissions, stats.txFailures]).toEqual([1, 2]);
      // free again afterwards: the next one goes
      expect((await b.send({ bytes: f.frame, format: "A", mode: "T1" })).ok).toBe(true);
    }, 20_000);
  }
});
