/**
 * Store-and-forward repeater (firmware/repeater, docs/repeater.md).
 *
 * Air model: two places on one simulated time line. In the pit, a meter and the repeater's CC1101 (driver on
 * its chip simulator) share an air; in the house, the gateway's SX1262 (driver on its chip simulator) hears
 * the house air, where the pit meter arrives far below sensitivity (−125 dBm) and the repeater's CC1101 —
 * the real driver's transmit path on the chip model, which emits into the house air — at −70 dBm. A second
 * meter is heard in both places. The gateway must read every telegram of both meters exactly once: the pit
 * meter only through the repeater, the other directly and repeated (the copy is a duplicate). Flood: airtime
 * on air (measured by the air model, sent by the real driver) stays within 0.1 % of any hour.
 */
import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { repeaterFields, telegramIdentity } from "../../firmware/gateway/telegram-id.js";
import { addFrameACrc, stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import type { TransmitRequest, TransmitResult, Transmitter } from "../../firmware/radio/transmit.js";
import { airtimeMs, DutyCycleBudget } from "../../firmware/repeater/duty-cycle.js";
import { markRepeated, Repeater } from "../../firmware/repeater/repeater.js";
import { droppingHub, type OutgoingReading } from "../../firmware/uplink/uplink.js";
import { Air } from "../sim/air.js";
import { Apartment, type Transmission } from "../sim/apartment.js";
import { createSimRadio } from "../rigs/sim-radio.js";
import type { CC1101 } from "../../firmware/radio/cc1101/cc1101.js";
import type { Cc1101Sim } from "../sim/cc1101/cc1101-sim.js";
import { Prng } from "../sim/prng.js";
import { nodeCipher } from "../../host/aes-node.js";
import { AirFrameSource, SimulatedAir } from "../rigs/gateway-air-source.js";
import { SimClock } from "../sim/gateway-runner.js";

const flush = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

/** A T1 frame with an ELL I (CC 0x00) and a mode-0 TPL: `seq` makes each telegram distinct. */
function ellFrame(seq: number, id = 0x12345678): Uint8Array {
  const s = [0, 0x44, 0x2d, 0x2c, id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, id >>> 24, 0x01, 0x07, 0x8c, 0x00, seq & 0xff, 0x7a, seq & 0xff, 0x00, 0x00, 0x00, 0x0c, 0x13, seq & 0xff, 0x00, 0x00, 0x00];
  s[0] = s.length - 1;
  return addFrameACrc(Uint8Array.from(s));
}
const rf = (bytes: Uint8Array): RadioFrame => ({ bytes, mode: "T", format: "A", rssiDbm: -80, receivedAt: 0 });

class FakeTimers {
  t = 0;
  #q: { at: number; cb: () => void }[] = [];
  set = (cb: () => void, ms: number) => {
    const e = { at: this.t + ms, cb };
    this.#q.push(e);
    return e;
  };
  clear = (h: unknown) => void (this.#q = this.#q.filter((e) => e !== h));
  async runUntil(t: number): Promise<void> {
    for (;;) {
      this.#q.sort((a, b) => a.at - b.at);
      const e = this.#q[0];
      if (!e || e.at > t) break;
      this.#q.shift();
      this.t = e.at;
      e.cb();
      await flush();
    }
    this.t = t;
  }
}

class CountingTransmitter implements Transmitter {
  sent: { frame: Uint8Array; mode: string; format?: string }[] = [];
  async transmit(req: TransmitRequest): Promise<TransmitResult> {
    this.sent.push({ frame: req.bytes, mode: req.mode, format: req.format });
    return { ok: true, startedAt: 0, endedAt: 0 };
  }
}

describe("repeater rules", () => {
  it("sets the hop bit (ELL CC 0x10, else TPL CFG bit 0), recomputes the CRCs, keeps everything else", () => {
    const f = ellFrame(1);
    const out = markRepeated(stripFrameA(f)!, "A")!;
    const a = stripFrameA(f)!;
    const b = stripFrameA(out)!; // CRCs verify
    const cc = repeaterFields(a).ellCc;
    expect(b[cc]).toBe(a[cc] | 0x10);
    expect([...b].filter((x, i) => x !== a[i])).toHaveLength(1);
    expect(telegramIdentity(out, "A")!.repeated).toBe(true);
    expect(telegramIdentity(out, "A")!.id).toBe(telegramIdentity(f, "A")!.id);
    // no ELL: the mode 0 TPL CFG low byte bit 0 (H)
    const noEll = Uint8Array.from([0, 0x44, 0x2d, 0x2c, 1, 2, 3, 4, 1, 7, 0x7a, 9, 0, 0, 0, 0x0c, 0x13, 1, 2, 3, 4]);
    noEll[0] = noEll.length - 1;
    const t = markRepeated(noEll, "B")!;
    const tb = stripFrameB(t)!;
    expect(tb[repeaterFields(noEll).tplCfg]).toBe(0x01);
    // nothing to mark (CI 0x78, no header): not repeated
    const bare = Uint8Array.from([0, 0x44, 0x2d, 0x2c, 1, 2, 3, 4, 1, 7, 0x78, 0x0c, 0x13, 1, 2, 3, 4]);
    bare[0] = bare.length - 1;
    expect(markRepeated(bare, "A")).toBeUndefined();
  });

  it("repeats a telegram once, never one already carrying H or R, after delay + jitter, queue bounded", async () => {
    const timers = new FakeTimers();
    const tx = new CountingTransmitter();
    const rnd = new Prng(7);
    const rep = new Repeater({ transmitter: tx, timers, now: () => timers.t, random: () => rnd.next(), delayMs: 2000, jitterMs: 1000, capacity: 3 });
    const f1 = ellFrame(1);
    expect(rep.offer(rf(f1))).toBe(true);
    expect(rep.offer(rf(f1))).toBe(false); // the same telegram again
    const repeatedCopy = markRepeated(stripFrameA(ellFrame(2))!, "A")!;
    expect(rep.offer(rf(repeatedCopy))).toBe(false); // already repeated by someone
    const rBit = stripFrameA(ellFrame(3))!;
    rBit[repeaterFields(rBit).ellCc] |= 0x02; // R: repeated access
    expect(rep.offer(rf(addFrameACrc(rBit)))).toBe(false);
    expect(rep.offer(rf(ellFrame(4)))).toBe(true);
    expect(rep.offer(rf(ellFrame(5)))).toBe(true);
    expect(rep.offer(rf(ellFrame(6)))).toBe(false); // queue of 3 full
    const bad = ellFrame(7);
    bad[5] ^= 1;
    expect(rep.offer(rf(bad))).toBe(false);
    await timers.runUntil(1999);
    expect(tx.sent).toHaveLength(0); // nothing before the fixed delay
    await timers.runUntil(3000);
    expect(tx.sent).toHaveLength(3);
    expect(rep.stats()).toMatchObject({ heard: 8, queued: 3, repeated: 3, duplicates: 1, alreadyRepeated: 2, queueFull: 1, badFrames: 1, waiting: 0 });
    expect(rep.offer(rf(f1))).toBe(false); // still remembered after sending
    for (const s of tx.sent) expect(telegramIdentity(s.frame, "A")!.repeated).toBe(true);
  });

  it("airtime per EN 13757-4 chip rates: T1 100 kcps 12 chips/byte, S1 32.768 kcps 16 chips/byte", () => {
    // T: 19 preamble pairs (38) + 10 sync + 12·n + 8 postamble chips
    expect(airtimeMs("T", "A", 50)).toBeCloseTo((38 + 10 + 600 + 8) / 100, 6);
    expect(airtimeMs("S", "A", 50)).toBeCloseTo(((558 + 18 + 800 + 8) * 1000) / 32768, 6);
    expect(new DutyCycleBudget().budget("868.7-869.2")).toBe(3600);
    expect(new DutyCycleBudget().budget("868.0-868.6")).toBe(36000);
  });
});

describe("repeater in the air model", () => {
  it("a meter the gateway cannot hear reaches it through the repeater, every telegram exactly once", async () => {
    const cipher = nodeCipher();
    const ap = new Apartment({ cipher, seed: 11, meters: 30 });
    // two configured T1/C1 meters whose frames a repeater can mark
    const markable = (m: (typeof ap.meters)[number]) => m.configured && m.mode !== "S" && !m.viaRepeater;
    const cands = ap.meters.filter(markable);
    const pitOnly = cands[0].id;
    const both = cands[1].id;
    const clock = new SimClock(ap.startMs);
    const house = new SimulatedAir({ clock });
    const pit = new Air(house.scheduler, {});
    const { config } = parseConfig(ap.settings("gw"));
    const readings: OutgoingReading[] = [];
    const gateway = new Gateway({ config, clock, cipher, hub: { ...droppingHub(), submit: (r) => void readings.push(r) } });
    const gwRadio = new AirFrameSource({ air: house, chip: "sx1262" });
    let fromPit = 0;
    gwRadio.start("TC", (f) => gateway.handleFrame(f));
    let repeater: Repeater | undefined;
    // the repeater's radio listens in the pit and is heard in the house (txAir): one CC1101, real driver
    const pitRadio = createSimRadio({ chip: "cc1101", air: pit, txAir: house.air, scheduler: house.scheduler, listen: "TC", onFrame: (f) => {
      fromPit++;
      repeater!.offer(f);
    } });
    const rnd = new Prng(3);
    repeater = new Repeater({
      transmitter: pitRadio.radio as CC1101, random: () => rnd.next(), now: () => house.nowMs(),
      timers: { set: (cb, ms) => house.scheduler.after(ms * 1000, cb), clear: (h) => house.scheduler.cancel(h) },
    });
    const transmitter = { sent: (pitRadio.chip as Cc1101Sim).stats.transmissions };
    const sent = new Map<string, Set<number>>([[pitOnly, new Set()], [both, new Set()]]);
    const end = ap.startMs + 15 * 60_000;
    const step = async (ms: number) => {
      for (let t = house.nowMs(); t < ms; t = Math.min(ms, t + 50)) {
        house.runUntil(Math.min(ms, t + 50));
        await flush();
      }
    };
    for (const tx of ap.takeUntil(end)) {
      if (tx.repeated) continue; // the apartment's own repeater copies are not part of this test
      await step(tx.at);
      clock.advanceTo(tx.at);
      const at = Math.max(house.toUs(tx.at), house.scheduler.now);
      if (tx.meterId === pitOnly || tx.meterId === both) {
        sent.get(tx.meterId)!.add(tx.seq);
        pit.transmit({ mode: tx.mode, format: tx.format, frame: tx.bytes, rssiDbm: -80, at });
      }
      const level = tx.meterId === pitOnly ? -125 : tx.rssiDbm;
      house.put({ ...tx, rssiDbm: level } as Transmission);
    }
    await step(end + 5000); // delay + jitter + airtime of the last ones
    pitRadio.radio.close();
    gwRadio.close();

    const perMeter = (id: string) => readings.filter((r) => r.meterId === id);
    // the gateway's radio never delivered a direct frame of the pit meter (matched transmissions are the
    // meters' own; the repeater's frames are not in that list and count as unmatched)
    for (const seq of sent.get(pitOnly)!) expect(gwRadio.heard.get(`${pitOnly}#${seq}`)).toBeUndefined();
    for (const seq of sent.get(both)!) expect(gwRadio.heard.get(`${both}#${seq}`)).toBe(1);
    expect(gwRadio.stats().framesUnmatched).toBe(transmitter.sent.length);
    expect(sent.get(pitOnly)!.size).toBeGreaterThan(3);
    expect(fromPit).toBeGreaterThanOrEqual(sent.get(pitOnly)!.size + sent.get(both)!.size);
    // the pit meter: nothing direct (its house level is below sensitivity), every telegram once via the repeater
    expect(perMeter(pitOnly)).toHaveLength(sent.get(pitOnly)!.size);
    expect(new Set(perMeter(pitOnly).map((r) => r.telegramId)).size).toBe(sent.get(pitOnly)!.size);
    expect(perMeter(both)).toHaveLength(sent.get(both)!.size);
    const st = repeater.stats();
    expect(st.repeated).toBe(sent.get(pitOnly)!.size + sent.get(both)!.size);
    expect(st.duplicates).toBe(0);
    const g = gateway.stats();
    expect(g.repeated).toBeGreaterThanOrEqual(st.repeated); // every repeated copy carries H
    expect(g.duplicates).toBeGreaterThanOrEqual(sent.get(both)!.size); // the copies of the meter heard directly
    expect(transmitter.sent).toHaveLength(st.repeated);
    if (process.env.REPEATER_FIGURES) console.log(JSON.stringify({ pitOnly: sent.get(pitOnly)!.size, both: sent.get(both)!.size, repeater: st, gateway: { readings: g.readings, duplicates: g.duplicates, repeated: g.repeated } }));
  }, 60_000);

  it("under a flood the airtime on air stays within 0.1 % of every hour in 868.7–869.2 MHz", async () => {
    const clock = new SimClock(Date.UTC(2024, 0, 1));
    const house = new SimulatedAir({ clock });
    // the real CC1101 driver on its chip model sends; the air model measures what it put on air
    const radio = createSimRadio({ chip: "cc1101", air: house.air, scheduler: house.scheduler, listen: "TC", onFrame: () => undefined });
    const transmitter = { sent: (radio.chip as Cc1101Sim).stats.transmissions };
    const rnd = new Prng(5);
    const repeater = new Repeater({
      transmitter: radio.radio as CC1101, random: () => rnd.next(), now: () => house.nowMs(), capacity: 64, delayMs: 500, jitterMs: 500,
      timers: { set: (cb, ms) => house.scheduler.after(ms * 1000, cb), clear: (h) => house.scheduler.cancel(h) },
    });
    const start = house.nowMs();
    let seq = 0;
    // 1.5 hours, a new distinct telegram every 300 ms (18 000 offered, ≈ 4 ms airtime each: ≈ 14× the budget)
    for (let t = start; t < start + 1.5 * 3_600_000; t += 300) {
      house.runUntil(t);
      await flush();
      repeater.offer(rf(ellFrame(seq, 0x10000000 + seq)));
      seq++;
    }
    house.runUntil(start + 1.5 * 3_600_000 + 5000);
    await flush();
    const signals = transmitter.sent.map((s) => ({ start: s.start / 1000, ms: (s.end - s.start) / 1000 }));
    expect(signals.length).toBeGreaterThan(100);
    let worst = 0;
    for (const s of signals) {
      const inHour = signals.filter((x) => x.start >= s.start && x.start < s.start + 3_600_000).reduce((a, x) => a + x.ms, 0);
      worst = Math.max(worst, inHour);
    }
    expect(worst).toBeLessThanOrEqual(3600);
    expect(worst).toBeGreaterThan(3000); // the budget is used, not just avoided
    const st = repeater.stats();
    expect(st.dutyCycleDropped + st.queueFull).toBeGreaterThan(10_000);
    expect(st.airtimeMs["868.7-869.2"]).toBeLessThanOrEqual(3600);
    if (process.env.REPEATER_FIGURES) console.log(JSON.stringify({ flood: { offered: seq, sent: signals.length, worstHourMs: worst, stats: st } }));
    expect(st.repeated).toBe(signals.length);
  }, 60_000);
});

describe("repeater counters on the status page", () => {
  it("the status document and page show the repeater's counters when the device passes them", async () => {
    const { renderStatusPage, statusDocument } = await import("../../firmware/web/status-page.js");
    const { LastReadings } = await import("../../firmware/web/last-readings.js");
    const timers = new FakeTimers();
    const rep = new Repeater({ transmitter: new CountingTransmitter(), timers, now: () => timers.t, random: () => 0 });
    rep.offer(rf(ellFrame(1)));
    await timers.runUntil(5000);
    const { config } = parseConfig({ gatewayId: "gw" });
    const gateway = new Gateway({ config, clock: { now: () => 0 }, hub: droppingHub() });
    const doc = statusDocument(gateway.status({ repeater: rep.stats() }), new LastReadings());
    expect(doc.repeater).toMatchObject({ repeated: 1, queued: 1, budgetMs: { "868.7-869.2": 3600 } });
    const html = renderStatusPage(doc);
    expect(html).toContain("<h2>Repeater</h2>");
    expect(html).toMatch(/<td>repeated<\/td><td>1<\/td>/);
    expect(html).toMatch(/<td>budgetMs.868.7-869.2<\/td><td>3600<\/td>/);
  });
});

describe("telegram identity hash", () => {
  /** FNV-1a 32-bit as its authors define it (offset basis 0x811C9DC5, prime 0x01000193), written plainly here. */
  const fnv1a32 = (bytes: Iterable<number>, basis = 0x811c9dc5): number => {
    let h = BigInt(basis);
    for (const b of bytes) h = ((h ^ BigInt(b)) * 0x01000193n) & 0xffffffffn;
    return Number(h);
  };

  it("the reference FNV-1a gives the published vectors", () => {
    expect(fnv1a32([])).toBe(0x811c9dc5);
    expect(fnv1a32([0x61])).toBe(0xe40c292c); // "a"
    expect(fnv1a32([..."foobar"].map((c) => c.charCodeAt(0)))).toBe(0xbf9cf968);
  });

  it("is the two FNV-1a hashes of the frame without CRCs (offset bases 0x811C9DC5 and 0x050C5D1F) after the meter", () => {
    const raw = addFrameACrc(Uint8Array.from([0x10, 0x44, 0x2d, 0x2c, 0x78, 0x56, 0x34, 0x12, 0x1b, 0x16, 0x78, 0x04, 0x13, 0x39, 0x30, 0x00, 0x00]));
    const stripped = stripFrameA(raw)!;
    const id = telegramIdentity(raw, "A")!.id;
    const hex = (v: number) => v.toString(16).toUpperCase().padStart(8, "0");
    expect(id).toBe("KAM12345678-" + hex(fnv1a32(stripped)) + hex(fnv1a32(stripped, 0x050c5d1f)));
  });
});
