/**
 * The native "send at" on the chip models: the radio task's steps (wmbus_radio_task_esp32.c tx_check,
 * tx_go_due, tx_refill_due) replayed on the host over the simulated SPI bus with the drivers' TxJobs
 * (cc1101TxJob / sx1262TxJob, serialized as the task gets them) and the C's time arithmetic twins
 * (downlinkDue, strobeAt; C ≡ TS in native-tx.test.ts). A T2 meter's frame ends; 300 µs later the task has
 * queued it, loads the chip and starts it at frame end + 2 ms + 500 µs − lead; the meter's own receiver on the
 * air model takes the downlink inside its 2–3 ms window, bit-exact. This checks the transactions and the
 * timing the C replays, not the ESP-IDF code itself (compile-checked only).
 */
import { describe, expect, it } from "vitest";
import { planTransmission } from "../../firmware/phy/tx-plan.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { encodeTelegram } from "../../firmware/encoder/encode.js";
import { cc1101Preamble, cc1101TxJob } from "../../firmware/radio/cc1101/cc1101-transmit.js";
import { settingsImage } from "../../firmware/radio/cc1101/cc1101-settings.js";
import { sx1262Preamble, sx1262TxJob } from "../../firmware/radio/sx1262/sx1262-transmit.js";
import { downlinkDue, serializeJob, strobeAt, type TxJob } from "../../firmware/radio/transmit.js";
import { toHex } from "../../firmware/util/hex.js";
import { Air } from "../sim/air.js";
import { DIGITAL } from "../sim/io.js";
import { Scheduler } from "../sim/scheduler.js";
import { DownlinkReceiver, type DownlinkHeard } from "../sim/downlink-receiver.js";
import { createSimRadio, type SimChipKind } from "../rigs/sim-radio.js";

const TASK_LATENCY_US = 300;

function sendAt(chip: SimChipKind, commandBytes: number) {
  const scheduler = new Scheduler();
  const air = new Air(scheduler, { seed: 2 });
  const sim = createSimRadio({ chip, air, scheduler, listen: "TC", onFrame: () => undefined, seed: 3 });
  scheduler.advance(50_000);
  sim.radio.close(); // from here on the "task" owns the bus
  const p = sim.description.pins;
  const spi = new sim.board.SPI({ clock: p.sck, in: p.miso, out: p.mosi, hz: 8e6, port: sim.description.radio.spiPort });
  const nss = new sim.board.Digital({ pin: p.radioSelect, mode: DIGITAL.Output, initialValue: 1 });
  const busy = chip === "sx1262" ? new sim.board.Digital({ pin: p.radioBusy!, mode: DIGITAL.Input }) : null;
  const raw = (bytes: Uint8Array): Uint8Array => {
    while (busy?.read()) scheduler.runChipUntil(scheduler.now + 1); // SX1262 §8.3.1: BUSY low first
    const b = bytes.slice();
    nss.write(0);
    spi.transfer(b);
    nss.write(1);
    return b;
  };
  // the meter and its downlink (an SND-UD to the meter's own address)
  const address = addressBytes("ELS", "11223344", 1, 0x21);
  const uplink = encodeTelegram({ dll: { c: 0x44, address }, tpl: { ci: 0x7a, acc: 1, sts: 0, cfg: 0 }, apl: [{ kind: "filler", count: 4 }], crc: "A" });
  const down = encodeTelegram({ dll: { c: 0x53, address }, tpl: { ci: 0x5a, acc: 1, sts: 0, cfg: 0 }, apl: [{ kind: "filler", count: commandBytes }], crc: "A" });
  const plan = chip === "cc1101" ? planTransmission("T2-down", "A", down, cc1101Preamble) : planTransmission("T2-down", "A", down, sx1262Preamble);
  const job: TxJob = chip === "cc1101" ? cc1101TxJob(plan, settingsImage("TC", 26_000_000), 26_000_000) : sx1262TxJob(plan, 32_000_000);
  // what the C gets: the serialized job, parsed back as tx_check walks it
  const blob = serializeJob(job);
  const load: Uint8Array[] = [];
  for (let at = 0; at < blob.length; at += 1 + blob[at]) load.push(blob.subarray(at + 1, at + 1 + blob[at]));
  // close() left an SX1262 in STDBY_RC (TCXO off); the task finds it receiving, TCXO on: STDBY_XOSC stands in
  if (chip === "sx1262") {
    raw(Uint8Array.of(0x80, 0x01));
    scheduler.advance(10_000);
  }
  const heard: DownlinkHeard[] = [];
  const meterRx = new DownlinkReceiver(air, (h) => heard.push(h));
  const signal = air.transmit({ mode: "T", format: "A", frame: uplink, rssiDbm: -70, at: scheduler.now + 1000 });
  meterRx.open("T2-down", signal.end + 2000, signal.end + 3000);
  let startedUs = -1;
  scheduler.at(signal.end + TASK_LATENCY_US, () => {
    // tx_check: the newest queued frame is from the pending meter
    const due = downlinkDue({ address: uplink.slice(2, 10), open: 2000, close: 3000, margin: 500 }, uplink, scheduler.now);
    expect(due).toBe(scheduler.now + 2500);
    for (const t of load) raw(t);
    const at = strobeAt(scheduler.now, due, job.readyUs, job.leadUs);
    let restAt = 0;
    scheduler.at(at, () => {
      raw(job.go); // tx_go_due
      startedUs = scheduler.now + job.leadUs;
      if (chip !== "cc1101" || job.rest.length === 0) return;
      const refill = () => {
        // tx_refill_due: TXBYTES, then as many rest bytes as there is room
        const txbytes = raw(Uint8Array.of(0xc0 | 0x3a, 0))[1];
        if (txbytes & 0x80 || restAt >= job.rest.length) return;
        const n = Math.min(64 - (txbytes & 0x7f), job.rest.length - restAt);
        raw(Uint8Array.of(0x7f, ...job.rest.subarray(restAt, restAt + n)));
        restAt += n;
        scheduler.after(1000, refill, "host");
      };
      scheduler.after(1000, refill, "host");
    }, "host");
  }, "host");
  scheduler.advance(80_000);
  return { heard, signal, startedUs, down, job, missed: meterRx.missed };
}

describe("native send-at replayed on the chip models", () => {
  for (const chip of ["cc1101", "sx1262"] as const) {
    it(`${chip}: a T2 downlink loaded when the meter's frame is queued starts inside 2–3 ms and is heard bit-exact`, () => {
      const r = sendAt(chip, 24); // an SND-UD of 36 bytes: 73 FIFO bytes, so the CC1101 refills after STX
      expect(r.missed, JSON.stringify([r.signal.start, r.signal.end, r.startedUs])).toEqual([]);
      expect(r.heard).toHaveLength(1);
      expect(toHex(r.heard[0].bytes)).toBe(toHex(r.down));
      const delay = r.heard[0].start - r.signal.end;
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(3000);
      // the task's own idea of the start (go + lead) is within 50 µs of the air's
      expect(Math.abs(r.startedUs - r.heard[0].start)).toBeLessThan(50);
      if (chip === "cc1101") expect(r.job.rest.length).toBeGreaterThan(0);
    });
  }
});
