/** The CC1101 chip model on its own, driven byte by byte over the simulated SPI bus (SWRS061 §10, §15, §17). */
import { describe, expect, it } from "vitest";
import { Air, findSync } from "../sim/air.js";
import { lcg, randomFrame } from "../sim/random-frames.js";
import { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { DIGITAL, SimBoard } from "../sim/io.js";
import { Scheduler } from "../sim/scheduler.js";
import { BURST, FIFO, MARC, READ, REG, STATUS, STROBE } from "../../firmware/radio/cc1101/cc1101-registers.js";
import { settingsImage } from "../../firmware/radio/cc1101/cc1101-settings.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { longestFrame } from "./radio-cc1101-helpers.js";

function bench() {
  const scheduler = new Scheduler();
  const air = new Air(scheduler);
  const board = new SimBoard(scheduler);
  const chip = new Cc1101Sim({ air, board, spiPort: 2, selectGpio: 5, gdo0Gpio: 4, gdo2Gpio: 2 });
  const spi = new board.SPI({ clock: 18, in: 19, out: 23, hz: 4e6, port: 2 });
  const cs = new board.Digital({ pin: 5, mode: DIGITAL.Output });
  cs.write(1);
  const tx = (...bytes: number[]): number[] => {
    const b = Uint8Array.from(bytes);
    cs.write(0);
    spi.transfer(b);
    cs.write(1);
    return [...b];
  };
  const status = (reg: number) => tx(READ | BURST | reg, 0)[1];
  const write = (reg: number, ...v: number[]) => tx((v.length > 1 ? BURST : 0) | reg, ...v);
  const configure = (image: Uint8Array) => write(0, ...image);
  return { scheduler, air, board, chip, tx, status, write, configure };
}

/** A chip set up with `image` (after `tweak`), strobed into RX and past its calibration. */
function listening(image: Uint8Array = settingsImage("TC"), tweak?: (b: ReturnType<typeof bench>) => void) {
  const b = bench();
  b.configure(image);
  tweak?.(b);
  b.tx(STROBE.SRX);
  b.scheduler.advance(1000);
  return b;
}

describe("CC1101 model: SPI protocol", () => {
  it("answers the status byte, identifies itself and keeps reset values", () => {
    const b = bench();
    const [st] = b.tx(STROBE.SNOP);
    expect(st & 0x80).toBe(0); // CHIP_RDYn low
    expect((st >> 4) & 7).toBe(0); // IDLE
    expect(b.status(STATUS.PARTNUM)).toBe(0x00);
    expect(b.status(STATUS.VERSION)).toBe(0x14);
    expect(b.status(STATUS.MARCSTATE)).toBe(MARC.IDLE);
    expect(b.tx(READ | REG.SYNC1, 0)[1]).toBe(0xd3);
    expect(b.tx(READ | BURST | REG.SYNC1, 0, 0, 0)).toEqual([0x00, 0xd3, 0x91, 0xff]); // burst auto-increment; status: 0 RX bytes
    expect(b.tx(REG.SYNC1, 0x54)).toEqual([0x0f, 0x0f]); // write header: free TX FIFO bytes (15 = ≥ 15)
    // without the burst bit 0x34 is the SRX strobe, not the RSSI register
    b.tx(READ | STATUS.RSSI, 0);
    expect(b.chip.stats.strobes.SRX).toBe(1);
    b.scheduler.advance(1000);
    expect(b.status(STATUS.MARCSTATE)).toBe(MARC.RX);
  });

  it("ignores transactions until CHIP_RDYn goes low after SRES, and SRES restores reset values", () => {
    const b = bench();
    b.write(REG.SYNC1, 0x54);
    b.tx(STROBE.SRES);
    expect(b.tx(STROBE.SNOP)[0] & 0x80).toBe(0x80);
    b.write(REG.SYNC0, 0x3d); // lost: chip not ready
    expect(b.chip.stats.notReadyTransactions).toBe(2);
    b.scheduler.advance(150);
    expect(b.tx(STROBE.SNOP)[0] & 0x80).toBe(0);
    expect(b.tx(READ | BURST | REG.SYNC1, 0, 0).slice(1)).toEqual([0xd3, 0x91]);
  });

  it("decodes carrier, data rate, bandwidth and sync from the registers", () => {
    const b = bench();
    b.configure(settingsImage("TC"));
    expect(b.chip.frequencyHz).toBeCloseTo(868_950_000, -3);
    expect(b.chip.dataRate).toBeCloseTo(103_149, 0);
    expect(b.chip.bandwidthHz).toBeCloseTo(325_000, 0);
    expect(b.chip.tuning()).toMatchObject({ syncWord: 0x543d, syncBits: 16, syncErrors: 0 });
    b.configure(settingsImage("S"));
    expect(b.chip.frequencyHz).toBeCloseTo(868_300_000, -3);
    expect(b.chip.dataRate).toBeCloseTo(32_730, 0);
    b.write(REG.MDMCFG2, 0x0e); // Manchester on in the chip: wM-Bus S chips are not decodable that way here
    expect(b.chip.tuning()).toBeNull();
  });
});

describe("CC1101 model: reception", () => {
  const frame = longestFrame("A");

  it("infinite → fixed with PKTLEN = length mod 256 ends a 435-byte packet exactly (§15.3)", () => {
    const want = fifoBytes("T", "A", frame);
    expect(want.length).toBe(435);
    for (const switchFixed of [true, false]) {
      const b = listening(settingsImage("TC"), (c) => c.write(REG.PKTLEN, 435 & 0xff));
      b.air.transmit({ mode: "T", format: "A", frame, rssiDbm: -60 });
      const got: number[] = [];
      for (let i = 0; i < 200; i++) {
        b.scheduler.advance(2_000); // 25 bytes
        const n = b.status(STATUS.RXBYTES) & 0x7f;
        if (n) got.push(...b.tx(READ | BURST | FIFO, ...new Array(n).fill(0)).slice(1));
        if (switchFixed && got.length > 435 - 256) b.write(REG.PKTCTRL0, 0x00);
      }
      if (switchFixed) {
        expect(got).toEqual([...want]);
        expect(b.status(STATUS.MARCSTATE)).toBe(MARC.IDLE);
        expect(b.chip.stats.packets).toBe(1);
      } else {
        expect(got.length).toBeGreaterThan(435); // infinite mode runs on into noise
        expect(got.slice(0, 435)).toEqual([...want]);
        expect(b.status(STATUS.MARCSTATE)).toBe(MARC.RX);
      }
    }
  });

  it("reports RX FIFO overflow in RXBYTES and MARCSTATE until SFRX (§20)", () => {
    const b = listening();
    b.air.transmit({ mode: "C", format: "A", frame, rssiDbm: -60 });
    b.scheduler.advance(20_000);
    expect(b.status(STATUS.RXBYTES)).toBe(0x80 | 64);
    expect(b.status(STATUS.MARCSTATE)).toBe(MARC.RXFIFO_OVERFLOW);
    expect(b.tx(STROBE.SNOP)[0] >> 4).toBe(6);
    b.tx(STROBE.SRX);
    expect(b.status(STATUS.MARCSTATE)).toBe(MARC.RXFIFO_OVERFLOW); // SRX does not leave it
    b.tx(STROBE.SFRX);
    expect(b.status(STATUS.RXBYTES)).toBe(0);
    expect(b.status(STATUS.MARCSTATE)).toBe(MARC.IDLE);
  });

  it("gives RSSI in the datasheet offset format and FREQEST in f_xosc/2^14 steps", () => {
    const b = listening();
    const quiet = (b.status(STATUS.RSSI) << 24) >> 24;
    expect(quiet / 2 - 74).toBe(-110);
    b.air.transmit({ mode: "C", format: "A", frame, rssiDbm: -63.5, freqOffsetHz: -15_870 });
    b.scheduler.advance(700);
    const raw = (b.status(STATUS.RSSI) << 24) >> 24;
    expect(raw / 2 - 74).toBe(-63.5);
    expect((b.status(STATUS.FREQEST) << 24) >> 24).toBe(-10);
  });

  it("entering RX during a preamble catches the frame when the whole sync word comes in RX (AirLink.listen)", () => {
    const image = settingsImage("TC");
    image[REG.MCSM0] &= ~0x30; // FS_AUTOCAL = 0: IDLE → RX is the 88 µs settling only (SWRS061I Table 34)
    const word = (image[REG.SYNC1] << 8) | image[REG.SYNC0];
    for (const tooLate of [false, true]) {
      const b = bench(); // reset values: another sync word, so the frame's start finds no listener
      const s = b.air.transmit({ ...randomFrame(lcg(3), "CA"), rssiDbm: -60, at: b.scheduler.now + 1000 });
      const syncEnd = s.start + findSync(s, word, 16, 0) * s.chipUs;
      expect(syncEnd - s.start).toBeGreaterThan(400); // preamble + sync word: room to enter RX inside it
      // strobed 10 µs into the preamble (RX ≈ 100 µs on), or so late that RX starts 100 µs before the sync word ends
      const strobeAt = tooLate ? syncEnd - 100 - 88 : s.start + 10;
      b.scheduler.at(strobeAt, () => {
        b.configure(image);
        b.tx(STROBE.SRX);
      }, "chip");
      b.scheduler.advance(s.end - b.scheduler.now + 1000);
      expect(b.air.stats.syncs).toBe(tooLate ? 0 : 1);
      expect(b.chip.stats.lateForSync).toBe(tooLate ? 1 : 0);
    }
  });

  it("a chip with the wrong sync word, data rate or carrier hears nothing", () => {
    const wrong: [string, (img: Uint8Array) => void][] = [
      ["sync", (i) => (i[REG.SYNC0] = 0x3c)],
      ["rate", (i) => (i[REG.MDMCFG4] = (i[REG.MDMCFG4] & 0xf0) | 10)],
      ["carrier", (i) => (i[REG.FREQ1] = 0x65)],
      ["no sync mode", (i) => (i[REG.MDMCFG2] = 0x04)],
    ];
    for (const [, spoil] of wrong) {
      const img = settingsImage("TC");
      spoil(img);
      const b = listening(img);
      b.air.transmit({ mode: "C", format: "A", frame, rssiDbm: -60 });
      b.scheduler.advance(30_000);
      expect(b.status(STATUS.RXBYTES)).toBe(0);
      expect(b.air.stats.syncs).toBe(0);
    }
  });

  it("drives GDO0 = sync/end of packet and GDO2 = FIFO threshold", () => {
    const b = listening(settingsImage("TC"), (c) => {
      c.write(REG.PKTCTRL0, 0x00);
      c.write(REG.PKTLEN, 20);
    });
    const gdo0 = b.board.pin(4), gdo2 = b.board.pin(2);
    const edges: string[] = [];
    gdo0.watch((l) => edges.push(`gdo0=${l}`));
    gdo2.watch((l) => edges.push(`gdo2=${l}`));
    b.air.transmit({ mode: "C", format: "A", frame, rssiDbm: -60 });
    b.scheduler.advance(5_000);
    expect(edges).toEqual(["gdo0=1", "gdo2=1", "gdo0=0"]); // threshold 4 bytes, packet ends at 20
    expect(b.status(STATUS.MARCSTATE)).toBe(MARC.IDLE); // MCSM1 RXOFF_MODE = IDLE
    b.tx(READ | BURST | FIFO, ...new Array(20).fill(0));
    expect(edges.at(-1)).toBe("gdo2=0");
  });
});
