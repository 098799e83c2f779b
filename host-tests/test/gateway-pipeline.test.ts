import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { DedupWindow } from "../../firmware/gateway/dedup.js";
import { telegramIdentity } from "../../firmware/gateway/telegram-id.js";
import { UNKNOWN_ENTRY_BYTES, UnknownMeterTable } from "../../firmware/gateway/unknown-meters.js";
import { addFrameACrc, addFrameBCrc, stripFrameA } from "../../firmware/link/frame-format.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import { Apartment, setHopBit, type Transmission } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";

const cipher = nodeCipher();

function frameOf(tx: Transmission): RadioFrame {
  return { bytes: tx.bytes, mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at };
}

/** A gateway for the apartment's configured meters on a simulated clock. */
function gatewayFor(ap: Apartment, id: string, raw?: Record<string, unknown>) {
  const clock = new SimClock(ap.startMs);
  const hub = new MemoryHub();
  const { config, problems } = parseConfig(raw ?? ap.settings(id));
  const gateway = new Gateway({ config, configProblems: problems, clock, cipher, hub });
  return { clock, hub, gateway, problems };
}

/** The first telegram of `meterId` (and its repeated copy, when the meter is behind the repeater). */
function firstTelegram(ap: Apartment, meterId: string): Transmission[] {
  const m = ap.meter(meterId)!;
  return m.transmit();
}

describe("telegram id", () => {
  it("ignores the hop bits and the frame format, but not the meter's content", () => {
    const ap = new Apartment({ cipher, seed: 3 });
    for (const m of ap.meters.filter((x) => x.viaRepeater)) {
      const [direct, repeated] = m.transmit();
      const a = telegramIdentity(direct.bytes, direct.format)!;
      const b = telegramIdentity(repeated.bytes, repeated.format)!;
      expect(a.repeated).toBe(false);
      expect(b.repeated).toBe(true);
      expect(b.id).toBe(a.id);
      expect(b.stripped).not.toEqual(a.stripped); // the hop bit really differs on air
      // the repeater re-sends in the other frame format
      const other = direct.format === "A" ? addFrameBCrc(a.stripped) : addFrameACrc(a.stripped);
      expect(telegramIdentity(other, direct.format === "A" ? "B" : "A")!.id).toBe(a.id);
      // one changed payload byte is another telegram
      const changed = a.stripped.slice();
      changed[changed.length - 1] ^= 1;
      expect(telegramIdentity(addFrameACrc(changed), "A")!.id).not.toBe(a.id);
      const next = m.transmit()[0];
      expect(telegramIdentity(next.bytes, next.format)!.id).not.toBe(a.id);
    }
  });

  it("names the meter and rejects frames whose CRCs fail", () => {
    const ap = new Apartment({ cipher, seed: 3 });
    const tx = firstTelegram(ap, "93929190")[0];
    const id = telegramIdentity(tx.bytes, tx.format)!;
    expect(id.id).toMatch(/^[A-Z]{3}93929190-[0-9A-F]{16}$/);
    const bad = tx.bytes.slice();
    bad[12] ^= 0x40;
    expect(telegramIdentity(bad, tx.format)).toBeUndefined();
  });
});

describe("dedup", () => {
  it("the same telegram directly, via the repeater and by a second gateway → one reading per gateway, same telegram id", () => {
    const ap = new Apartment({ cipher, seed: 5 });
    const behindRepeater = ap.meters.filter((m) => m.viaRepeater && m.configured);
    expect(behindRepeater.length).toBeGreaterThanOrEqual(4);
    const g1 = gatewayFor(ap, "gw-one");
    const g2 = gatewayFor(ap, "gw-two");
    for (const m of behindRepeater) {
      const [direct, repeated] = m.transmit();
      g1.clock.advanceTo(direct.at);
      expect(g1.gateway.handleFrame(frameOf(direct))).toBe("reading");
      g1.clock.advanceTo(repeated.at);
      expect(g1.gateway.handleFrame(frameOf(repeated))).toBe("duplicate");
      // a second gateway hears only the repeater
      g2.clock.advanceTo(repeated.at);
      expect(g2.gateway.handleFrame(frameOf(repeated))).toBe("reading");
    }
    expect(g1.hub.readings).toHaveLength(behindRepeater.length);
    expect(g2.hub.readings).toHaveLength(behindRepeater.length);
    for (let i = 0; i < behindRepeater.length; i++) {
      const r1 = g1.hub.readings[i];
      const r2 = g2.hub.readings[i];
      expect(r1.meterId).toBe(behindRepeater[i].id);
      expect(r2.telegramId).toBe(r1.telegramId);
      expect(r1.readingId).toBe("gw-one/" + r1.telegramId);
      expect(r2.readingId).toBe("gw-two/" + r1.telegramId);
      const c = behindRepeater[i].counter;
      if (c) expect(r2.reading[c.field]).toBe(r1.reading[c.field]);
    }
    const s = g1.gateway.stats();
    expect(s.duplicates).toBe(behindRepeater.length);
    expect(s.repeated).toBe(behindRepeater.length);
    expect(s.readings).toBe(behindRepeater.length);
  });

  it("forgets a telegram after the window and keeps a bounded table", () => {
    const d = new DedupWindow({ windowMs: 1000, capacity: 3 });
    expect(d.isDuplicate("a", 0)).toBe(false);
    expect(d.isDuplicate("a", 999)).toBe(true);
    expect(d.isDuplicate("a", 1000)).toBe(false); // a new sighting after the window
    for (const id of ["b", "c", "d", "e"]) d.isDuplicate(id, 1001);
    expect(d.size).toBe(3);
    expect(d.isDuplicate("a", 1002)).toBe(false); // evicted by capacity
  });
});

describe("unknown meters", () => {
  it("lists neighbours with manufacturer, type, RSSI, count and last seen in 16-byte entries", () => {
    const ap = new Apartment({ cipher, seed: 9 });
    const g = gatewayFor(ap, "gw-unknown");
    const neighbours = ap.meters.filter((m) => !m.configured);
    expect(neighbours.length).toBeGreaterThanOrEqual(3);
    const heard = new Map<string, Transmission[]>();
    for (const tx of ap.takeUntil(ap.startMs + 600_000)) {
      g.clock.advanceTo(tx.at);
      if (tx.mode === "S" || tx.rssiDbm < -105) continue;
      g.gateway.handleFrame(frameOf(tx));
      if (!ap.meter(tx.meterId)!.configured) heard.set(tx.meterId, [...(heard.get(tx.meterId) ?? []), tx]);
    }
    const list = g.gateway.unknownMeters();
    expect(list.map((u) => u.id).sort()).toEqual([...heard.keys()].sort());
    for (const u of list) {
      const txs = heard.get(u.id)!;
      const last = txs[txs.length - 1];
      const f = stripFrameA(last.bytes)!;
      expect(u.count).toBe(txs.length);
      expect(u.rssiDbm).toBe(last.rssiDbm);
      expect(u.lastSeen).toBe(Math.floor(last.at / 1000) * 1000);
      expect(u.deviceType).toBe(f[9]);
      expect(u.manufacturer).toMatch(/^[A-Z]{3}$/);
    }
    expect(g.gateway.stats().unknownMeters).toBe(heard.size);
    expect(g.hub.readings.some((r) => heard.has(r.meterId))).toBe(false);
    expect(UNKNOWN_ENTRY_BYTES).toBeLessThanOrEqual(64);
    expect(g.gateway.unknown.bytes).toBe(64 * UNKNOWN_ENTRY_BYTES);
  });

  it("replaces the meter heard longest ago when full", () => {
    const t = new UnknownMeterTable(2);
    const frame = (id: number) => Uint8Array.of(0x20, 0x44, 0x2d, 0x2c, id, 0, 0, 0x12, 0x01, 0x07);
    t.heard(frame(1), -70, "T", 1_000);
    t.heard(frame(2), -80, "C", 2_000);
    t.heard(frame(1), -71, "T", 3_000);
    t.heard(frame(3), -90, "S", 4_000); // evicts meter 2
    const ids = t.list().map((u) => u.id);
    expect(ids).toEqual(["12000003", "12000001"]);
    expect(t.list()[1].count).toBe(2);
    expect(t.list()[1].rssiDbm).toBe(-71);
  });
});

describe("bad config", () => {
  it("names each bad setting, starts with the rest and never shows keys or passwords", () => {
    const ap = new Apartment({ cipher, seed: 11 });
    const raw = ap.settings("gw-bad") as { meters: { id: string; key?: string; driver: string }[] } & Record<string, unknown>;
    const secretKey = raw.meters[1].key!;
    raw.meters[1] = { ...raw.meters[1], key: secretKey.slice(0, 30) };
    raw.meters[2] = { ...raw.meters[2], driver: "no-such-driver" };
    raw.mqtt = { url: "mqtt//broker:1883", password: "hunter2-secret" };
    raw.http = { url: "ftp://example.com/x" };
    raw.wifi = { ssid: "home", password: "correct horse battery" };
    const g = gatewayFor(ap, "gw-bad", raw);
    const texts = g.gateway.status().config_problems as string[];
    expect(texts).toContain("meters[1].key: expected 32 hex digits, got 30");
    expect(texts).toContain('meters[2].driver: unknown driver "no-such-driver"');
    expect(texts).toContain('mqtt.url: bad MQTT URL "mqtt//broker:1883" (expected mqtt://host[:port] or mqtts://host[:port]) — MQTT is off');
    expect(texts.find((t) => t.startsWith('http.url: bad HTTP URL "ftp://example.com/x"'))).toBeDefined();
    expect(texts).toHaveLength(4);
    expect(g.gateway.config.mqtt).toBeUndefined();
    expect(g.gateway.config.meters.map((m) => m.id)).not.toContain(raw.meters[1].id);

    // the rest keeps running: every other configured meter gives readings
    for (const tx of ap.takeUntil(ap.startMs + 300_000)) {
      g.clock.advanceTo(tx.at);
      if (tx.mode !== "S" && tx.rssiDbm >= -105) g.gateway.handleFrame(frameOf(tx));
    }
    const withReadings = new Set(g.hub.readings.map((r) => r.meterId));
    expect(withReadings.has(raw.meters[1].id)).toBe(false);
    expect(withReadings.has(raw.meters[2].id)).toBe(false);
    expect(withReadings.size).toBeGreaterThan(25);

    g.gateway.publishStatus();
    const published = JSON.stringify(g.hub.statuses);
    for (const m of raw.meters) if (m.key) expect(published).not.toContain(m.key.slice(0, 30));
    expect(published).not.toContain("hunter2");
    expect(published).not.toContain("correct horse");
    expect(published).toContain('"key":"set"');
  });

  it("refuses credentials in a URL without quoting them", () => {
    const { config, problems } = parseConfig({ mqtt: { url: "mqtt://me:s3cret-pw@broker:1883" }, http: { url: "https://me:s3cret-pw@example.com/in" } });
    expect(problems.map((p) => p.path)).toEqual(["mqtt.url", "http.url"]);
    expect(JSON.stringify(problems)).not.toContain("s3cret");
    expect(config.mqtt).toBeUndefined();
    expect(config.http).toBeUndefined();
  });

  it("reports type errors, duplicates and a bad radio mode by path", () => {
    const { config, problems } = parseConfig({
      gatewayId: "bad id with spaces",
      radioMode: "X",
      meters: [{ id: "1234567" }, { id: "12345678", key: "zz" }, { id: "12345678" }, { id: "12345678", name: 5 }, "meter"],
    });
    expect(problems.map((p) => p.path)).toEqual(["gatewayId", "radioMode", "meters[0].id", "meters[1].key", "meters[3].id", "meters[3].name", "meters[4]"]);
    expect(problems[3].message).toBe("expected 32 hex digits, got other characters");
    expect(config.gatewayId).toBe("wmbus-gateway");
    expect(config.radioMode).toBe("TC");
    expect(config.meters).toEqual([{ id: "12345678", name: "12345678", driver: "auto" }]);
  });

  it("counts telegrams of a configured meter without key as no_key", () => {
    const ap = new Apartment({ cipher, seed: 13 });
    const raw = ap.settings("gw-nokey") as { meters: { id: string; key?: string }[] };
    const m = raw.meters.find((x) => x.key)!;
    delete m.key;
    const g = gatewayFor(ap, "gw-nokey", raw as unknown as Record<string, unknown>);
    const tx = firstTelegram(ap, m.id)[0];
    expect(g.gateway.handleFrame(frameOf(tx))).toBe("decode_error");
    expect(g.gateway.stats().noKey).toBe(1);
    expect(g.gateway.stats().decodeErrors.no_key).toBe(1);
    expect(g.hub.readings).toHaveLength(0);
  });

  it("counts a wrong key and a frame with a broken CRC, and goes on", () => {
    const ap = new Apartment({ cipher, seed: 17 });
    const raw = ap.settings("gw-wrong") as { meters: { id: string; key?: string }[] };
    const m = raw.meters.find((x) => x.key && ap.meter(x.id)!.security === "mode5")!;
    m.key = "00112233445566778899AABBCCDDEEFF";
    const g = gatewayFor(ap, "gw-wrong", raw as unknown as Record<string, unknown>);
    const bad = firstTelegram(ap, m.id)[0];
    expect(g.gateway.handleFrame(frameOf(bad))).toBe("decode_error");
    const broken = { ...frameOf(bad), bytes: bad.bytes.slice() };
    broken.bytes[broken.bytes.length - 3] ^= 0xff;
    expect(g.gateway.handleFrame(broken)).toBe("bad_frame");
    const other = raw.meters.find((x) => x !== m && ap.meter(x.id)!.mode === "T")!;
    expect(g.gateway.handleFrame(frameOf(firstTelegram(ap, other.id)[0]))).toBe("reading");
    const s = g.gateway.stats();
    expect(s.decodeErrors).toEqual({ wrong_key: 1 });
    expect(s.badFrames).toBe(1);
    expect(s.frames).toBe(3);
    expect(s.readings).toBe(1);
  });
});
