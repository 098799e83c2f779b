/**
 * The gateway on the chip simulators: the simulated apartment on the air model, received by the real CC1101 and
 * SX1262 drivers on their chip models (host-tests/rigs/gateway-air-source.ts). Every telegram a driver delivers
 * gives one reading with the right values; every telegram it does not deliver was lost for a reason the air
 * recorded (a collision, or too weak); repeated copies heard on air are deduplicated, also across gateways.
 */
import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { connect, runApartment, SimClock, type SimulatedGateway } from "../sim/gateway-runner.js";
import { AirFrameSource, SimulatedAir, telegramKey, type SimChipKind } from "../rigs/gateway-air-source.js";
import type { AirSignal } from "../sim/air.js";
import { DirectFrameSource } from "../rigs/gateway-direct-source.js";
import { checkReadings } from "./gateway-helpers.js";

const cipher = nodeCipher();
/** The weakest frame the SX1262 model syncs to (host-tests/sim/sx1262/chip.ts default); the CC1101 model hears what the air delivers. */
const SX1262_SENSITIVITY_DBM = -104;
/**
 * After a frame ends the driver still reads the FIFO tail, checks the CRCs and re-arms RX; a frame that starts on
 * the same channel within this time finds the receiver busy (the air counts it as a declined sync).
 */
const RX_REARM_US = 5_000;

/** True when another signal on the same channel ended shortly before `s` started (the receiver was still busy). */
function rightAfterAnother(air: SimulatedAir, s: AirSignal): boolean {
  return air.sent.some((e) => e.signal !== s && e.signal.nominalHz === s.nominalHz && e.signal.end <= s.start && s.start - e.signal.end < RX_REARM_US);
}

function airGateway(ap: Apartment, air: SimulatedAir, chip: SimChipKind, id: string, listen: "TC" | "S" = "TC") {
  const hub = new MemoryHub();
  const { config, problems } = parseConfig(ap.settings(id, { radioMode: listen }));
  expect(problems).toEqual([]);
  const gateway = new Gateway({ config, clock: air.clock, cipher, hub });
  const source = new AirFrameSource({ air, chip });
  const g: SimulatedGateway = { gateway, source };
  connect(g);
  return { g, gateway, source, hub };
}

/** Telegrams of configured, audible meters the driver did not deliver; each must have been lost on air for a reason. */
function lostTelegrams(ap: Apartment, air: SimulatedAir, source: AirFrameSource, listen: "TC" | "S"): number {
  const weakest = source.chip === "sx1262" ? SX1262_SENSITIVITY_DBM : air.air.sensitivityDbm;
  let lost = 0;
  for (const m of ap.meters) {
    if (!m.configured || !DirectFrameSource.hears(listen, m.mode)) continue;
    for (const e of m.sent) {
      if (source.heard.has(telegramKey(e.meterId, e.seq))) continue;
      lost++;
      const signals = air.signalsOf(e.meterId, e.seq);
      expect(signals.length, `${m.describe()} #${e.seq} went on air`).toBeGreaterThan(0);
      for (const s of signals) {
        const why = s.collided || s.rssiDbm < weakest || rightAfterAnother(air, s);
        expect(why, `${m.describe()} #${e.seq} lost: no collision, ${s.rssiDbm} dBm, receiver idle`).toBe(true);
      }
    }
  }
  return lost;
}

describe("gateway through the chip simulators", () => {
  for (const chip of ["sx1262", "cc1101"] as const) {
    it(`${chip}: a simulated hour on T1+C1 — one reading per delivered telegram, losses explained, radio stats in the status`, async () => {
      const ap = new Apartment({ cipher, seed: 2 });
      const clock = new SimClock(ap.startMs);
      const air = new SimulatedAir({ clock });
      const { g, gateway, source, hub } = airGateway(ap, air, chip, "gw-" + chip);
      await runApartment({ apartment: ap, clock, gateways: [g], durationMs: 3_600_000 });

      const heard = (meterId: string, seq: number) => source.heard.has(telegramKey(meterId, seq));
      const { meters, telegrams } = checkReadings(ap, hub.readings, "TC", heard);
      expect(meters).toBeGreaterThanOrEqual(30);
      const lost = lostTelegrams(ap, air, source, "TC");
      expect(lost).toBeLessThan((telegrams + lost) * 0.03); // a busy building loses ~1 % to collisions
      const s = gateway.stats();
      expect(s.readings).toBe(telegrams);
      expect(s.decodeErrors).toEqual({});
      // every reading carries the clock of its delivery: within the frame's airtime after the meter started
      for (const r of hub.readings) expect(r.reading.timestamp).toBe(new Date(Math.floor(r.receivedAt / 1000) * 1000).toISOString().slice(0, 19) + "Z");

      // the status snapshot carries the driver's and the air's counters
      const radio = hub.statuses[hub.statuses.length - 1].radio as Record<string, number>;
      expect(radio.framesDelivered).toBe(s.frames);
      expect(radio.crcErrors + radio.codingErrors).toBeGreaterThan(0); // collided frames that got through sync
      expect(radio.airCollisions).toBeGreaterThan(0);
      expect(radio.framesUnmatched).toBe(0);
      expect(radio.airTransmissions).toBe(air.sent.length);
    });
  }

  it("sx1262 on S1 hears only the S1 meters, all of them", async () => {
    const ap = new Apartment({ cipher, seed: 4 });
    const clock = new SimClock(ap.startMs);
    const air = new SimulatedAir({ clock });
    const { g, gateway, source, hub } = airGateway(ap, air, "sx1262", "gw-s", "S");
    await runApartment({ apartment: ap, clock, gateways: [g], durationMs: 1_800_000 });
    const { meters, telegrams } = checkReadings(ap, hub.readings, "S", (id, seq) => source.heard.has(telegramKey(id, seq)));
    expect(meters).toBe(ap.meters.filter((m) => m.configured && m.mode === "S").length);
    expect(lostTelegrams(ap, air, source, "S")).toBe(0); // the S1 channel is quiet: nothing collides
    expect(gateway.stats().readings).toBe(telegrams);
    expect(telegrams).toBeGreaterThan(0);
  });

  it("dedup on air: a repeater's copy heard after the original gives no second reading; two gateways report the same telegram id", async () => {
    const ap = new Apartment({ cipher, seed: 9 });
    const clock = new SimClock(ap.startMs);
    const air = new SimulatedAir({ clock });
    const a = airGateway(ap, air, "sx1262", "gw-a");
    const b = airGateway(ap, air, "cc1101", "gw-b");
    await runApartment({ apartment: ap, clock, gateways: [a.g, b.g], durationMs: 900_000 });

    for (const x of [a, b]) {
      // both copies of some repeated telegrams came through the driver …
      const twice = [...x.source.heard.values()].filter((n) => n === 2).length;
      expect(twice).toBeGreaterThan(0);
      // … and every extra copy ended as a duplicate, not a reading
      const extra = [...x.source.heard.values()].reduce((sum, n) => sum + n - 1, 0);
      expect(x.gateway.stats().duplicates).toBe(extra);
      expect(x.gateway.stats().repeated).toBeGreaterThan(0);
      checkReadings(ap, x.hub.readings, "TC", (id, seq) => x.source.heard.has(telegramKey(id, seq)));
    }
    // one air: each transmission was sent once, heard by both radios
    expect(air.air.stats.transmissions).toBe(air.sent.length);
    const idsA = new Map(a.hub.readings.map((r) => [r.telegramId, r.meterId]));
    const common = b.hub.readings.filter((r) => idsA.has(r.telegramId));
    expect(common.length).toBeGreaterThan(b.hub.readings.length * 0.9);
    for (const r of common) expect(idsA.get(r.telegramId)).toBe(r.meterId);
    const readingIds = new Set(a.hub.readings.map((r) => r.readingId));
    for (const r of common) expect(readingIds.has(r.readingId)).toBe(false); // reading ids differ per gateway
  });
});
