import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { CONFIG_KEY, loadConfig, parseConfig, saveConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { connect, runApartment, SimClock } from "../sim/gateway-runner.js";
import { DirectFrameSource } from "../rigs/gateway-direct-source.js";
import { checkReadings } from "./gateway-helpers.js";

const cipher = nodeCipher();

describe("simulated apartment", () => {
  it("has ≈40 meters of every kind, on T1, C1 and S1, encrypted in modes 5, 7 and ELL, some behind a repeater", () => {
    const ap = new Apartment({ cipher, seed: 1 });
    expect(ap.meters.length).toBeGreaterThanOrEqual(40);
    const media = new Set(ap.meters.map((m) => String(m.data.expected.media)));
    for (const kind of ["water", "heat", "heat cost allocation", "electricity", "smoke detector", "room sensor"]) expect(media).toContain(kind);
    expect(new Set(ap.meters.map((m) => m.mode))).toEqual(new Set(["T", "C", "S"]));
    expect(new Set(ap.meters.map((m) => m.security))).toEqual(new Set(["none", "mode5", "mode7", "ell"]));
    expect(ap.meters.filter((m) => m.viaRepeater).length).toBeGreaterThanOrEqual(4);
    expect(ap.meters.filter((m) => m.counter).length).toBeGreaterThanOrEqual(35);
  });

  it("is deterministic for a seed", () => {
    const a = new Apartment({ cipher, seed: 42 }).takeUntil(Date.UTC(2026, 0, 5, 8, 10));
    const b = new Apartment({ cipher, seed: 42 }).takeUntil(Date.UTC(2026, 0, 5, 8, 10));
    expect(b.map((t) => [t.at, t.meterId, t.rssiDbm, Array.from(t.bytes).join()])).toEqual(a.map((t) => [t.at, t.meterId, t.rssiDbm, Array.from(t.bytes).join()]));
    const c = new Apartment({ cipher, seed: 43 }).takeUntil(Date.UTC(2026, 0, 5, 8, 10));
    expect(c.map((t) => t.at)).not.toEqual(a.map((t) => t.at));
  });

  it("a simulated hour on T1+C1: every telegram of every configured meter gives one reading with the right values", async () => {
    const ap = new Apartment({ cipher, seed: 2 });
    const clock = new SimClock(ap.startMs);
    const hub = new MemoryHub();
    const { config, problems } = parseConfig(ap.settings("gw-hour"));
    expect(problems).toEqual([]);
    const gateway = new Gateway({ config, clock, cipher, hub });
    const g = { gateway, source: new DirectFrameSource() };
    connect(g);
    await runApartment({ apartment: ap, clock, gateways: [g], durationMs: 3_600_000 });
    const { meters, telegrams } = checkReadings(ap, hub.readings, "TC");
    expect(meters).toBeGreaterThanOrEqual(30);
    const s = gateway.stats();
    expect(s.readings).toBe(telegrams);
    expect(s.decodeErrors).toEqual({});
    expect(s.duplicates).toBeGreaterThan(0);
    expect(s.unknownMeters).toBe(ap.meters.filter((m) => !m.configured && m.mode !== "S").length);
    expect(hub.statuses.length).toBe(60);
    for (const r of hub.readings) expect(r.reading.timestamp).toBe(new Date(Math.floor(r.receivedAt / 1000) * 1000).toISOString().slice(0, 19) + "Z");
  });

  it("an S1 gateway hears only the S1 meters", async () => {
    const ap = new Apartment({ cipher, seed: 4 });
    const clock = new SimClock(ap.startMs);
    const hub = new MemoryHub();
    const { config } = parseConfig(ap.settings("gw-s", { radioMode: "S" }));
    const g = { gateway: new Gateway({ config, clock, cipher, hub }), source: new DirectFrameSource() };
    connect(g);
    await runApartment({ apartment: ap, clock, gateways: [g], durationMs: 900_000 });
    const { meters } = checkReadings(ap, hub.readings, "S");
    expect(meters).toBeGreaterThanOrEqual(3);
  });
});

describe("settings store", () => {
  it("round-trips through the KeyValueStore and survives text that is not JSON", () => {
    const store = new MemoryKeyValueStore();
    expect(loadConfig(store).config.meters).toEqual([]);
    const problems = saveConfig(store, { gatewayId: "flat-3", meters: [{ id: "12345678", key: "00112233445566778899AABBCCDDEEFF", driver: "auto" }, { id: "x" }] });
    expect(problems.map((p) => p.path)).toEqual(["meters[1].id"]);
    const back = loadConfig(store);
    expect(back.config.gatewayId).toBe("flat-3");
    expect(back.config.meters).toHaveLength(1);
    expect(back.problems).toHaveLength(1);
    store.set(CONFIG_KEY, "{not json");
    const broken = loadConfig(store);
    expect(broken.problems[0].path).toBe("(settings)");
    expect(broken.config.gatewayId).toBe("wmbus-gateway");
  });
});
