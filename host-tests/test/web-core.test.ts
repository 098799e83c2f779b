/**
 * The pure web core (firmware/web): HMAC/PBKDF2 against RFC 4231 / RFC 7914 §11-style published vectors and
 * node:crypto, login throttling and sessions, write-only settings edits validated by the settings module, the
 * Wi-Fi onboarding state machine on a simulated Wi-Fi, the OTA upload checks on a simulated partition, and the
 * request handler's gatekeeping (401 / CSRF / API token) without a browser.
 */
import { createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { WebAuth, AUTH_KEY } from "../../firmware/web/auth.js";
import { ASSETS } from "../../firmware/web/assets.js";
import { EventLog } from "../../firmware/web/events.js";
import { ReadingHistory } from "../../firmware/web/history.js";
import { buildOtaFile, OtaUpload } from "../../firmware/web/ota.js";
import { addMeter, mergeSettings, updateMeter, validateEdit } from "../../firmware/web/settings-edit.js";
import { bytesToHex, hmacSha256, pbkdf2Sha256, utf8 } from "../../firmware/web/web-crypto.js";
import { WifiMode } from "../../firmware/web/wifi-mode.js";
import { SimulatedPartition } from "../sim/ota-sim.js";
import { nodeHash } from "../../host/web-crypto-node.js";
import { SimulatedWifi } from "../sim/wifi-sim.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("web crypto", () => {
  it("HMAC-SHA-256 gives the RFC 4231 vectors and agrees with node:crypto", () => {
    expect(bytesToHex(hmacSha256(nodeHash, new Uint8Array(20).fill(0x0b), utf8("Hi There")))).toBe("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    expect(bytesToHex(hmacSha256(nodeHash, utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    for (const keyLen of [0, 1, 63, 64, 65, 200]) {
      const key = new Uint8Array(randomBytes(keyLen));
      const msg = new Uint8Array(randomBytes(37 + keyLen));
      expect(bytesToHex(hmacSha256(nodeHash, key, msg))).toBe(createHmac("sha256", key).update(msg).digest("hex"));
    }
  });
  it("PBKDF2-HMAC-SHA-256 gives the published vectors and agrees with node:crypto", () => {
    expect(bytesToHex(pbkdf2Sha256(nodeHash, utf8("password"), utf8("salt"), 1))).toBe("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    expect(bytesToHex(pbkdf2Sha256(nodeHash, utf8("password"), utf8("salt"), 4096))).toBe("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    const salt = new Uint8Array(randomBytes(16));
    expect(bytesToHex(pbkdf2Sha256(nodeHash, utf8("pässwörd"), salt, 10, 40))).toBe(pbkdf2Sync("pässwörd", salt, 10, 40, "sha256").toString("hex"));
  });
});

describe("web login", () => {
  const setup = () => {
    let now = 1_000;
    const store = new MemoryKeyValueStore();
    const auth = new WebAuth({ hash: nodeHash, store, now: () => now, iterations: 10 });
    return { auth, store, tick: (ms: number) => (now += ms) };
  };
  it("stores only a salted hash; two setups of the same password differ", () => {
    const a = setup();
    a.auth.setAdminPassword("correct horse battery");
    const stored = a.store.get(AUTH_KEY)!;
    expect(stored).not.toContain("correct horse");
    const b = setup();
    b.auth.setAdminPassword("correct horse battery");
    expect(JSON.parse(stored).admin.hash).not.toBe(JSON.parse(b.store.get(AUTH_KEY)!).admin.hash);
    expect(() => a.auth.setAdminPassword("short")).toThrow(/at least 8 characters, got 5/);
    expect(a.auth.describe()).toEqual({ adminPassword: "set", apiToken: "none", sessions: 0 });
  });
  it("refuses wrong passwords and throttles: after 3 failures even the right one waits, doubling", () => {
    const { auth, tick } = setup();
    auth.setAdminPassword("correct horse battery");
    for (let i = 0; i < 3; i++) expect(auth.login("guess" + i)).toMatchObject({ ok: false, status: 401 });
    expect(auth.login("correct horse battery")).toMatchObject({ ok: false, status: 429, retryAfterS: 1 });
    tick(1000);
    expect(auth.login("guess3")).toMatchObject({ ok: false, status: 401 });
    tick(1000);
    expect(auth.login("correct horse battery")).toMatchObject({ ok: false, status: 429, retryAfterS: 1 }); // now 2 s
    tick(1000);
    const ok = auth.login("correct horse battery");
    expect(ok.ok).toBe(true);
    expect(auth.login("wrong")).toMatchObject({ status: 401 }); // the count started again
    expect(auth.stats).toMatchObject({ failures: 5, throttled: 2, logins: 1 });
  });
  it("sessions end when idle and on a password change", () => {
    const { auth, tick } = setup();
    auth.setAdminPassword("correct horse battery");
    const r = auth.login("correct horse battery");
    if (!r.ok) throw new Error("login");
    expect(auth.session(r.session.token)).toBeDefined();
    tick(31 * 60_000);
    expect(auth.session(r.session.token)).toBeUndefined();
    const r2 = auth.login("correct horse battery");
    if (!r2.ok) throw new Error("login");
    auth.setAdminPassword("another good one");
    expect(auth.session(r2.session.token)).toBeUndefined();
  });
});

describe("settings edits", () => {
  const raw = { gatewayId: "gw", meters: [{ id: "12345678", key: "00112233445566778899AABBCCDDEEFF", name: "water", driver: "auto" }], mqtt: { url: "mqtt://broker:1883", password: "mqtt-secret-1" } };
  it("keeps write-only secrets when the field is blank and removes them with null", () => {
    const kept = validateEdit(raw, updateMeter(raw, "12345678", { name: "cold water", key: "" }));
    expect(kept.ok).toBe(true);
    expect(kept.config!.meters[0]).toMatchObject({ name: "cold water", key: "00112233445566778899AABBCCDDEEFF" });
    const removed = validateEdit(raw, updateMeter(raw, "12345678", { key: null }));
    expect(removed.config!.meters[0].key).toBeUndefined();
    const mq = validateEdit(raw, mergeSettings(raw, { mqtt: { url: "mqtt://other:1884", password: "" } }));
    expect(mq.config!.mqtt).toMatchObject({ url: "mqtt://other:1884", password: "mqtt-secret-1" });
  });
  it("refuses a change with the settings module's own message, and unknown names", () => {
    const bad = validateEdit(raw, addMeter(raw, { id: "87654321", key: "abc" }));
    expect(bad.ok).toBe(false);
    // the text parseConfig itself produces for the same input
    expect(bad.problems).toEqual(parseConfig({ meters: [{ id: "87654321", key: "abc" }] }).problems.map((p) => `${p.path.replace("[0]", "[1]")}: ${p.message}`));
    expect(bad.problems.join()).not.toContain("abc");
    expect(validateEdit(raw, addMeter(raw, { id: "12345678" })).problems).toEqual(["meters[1].id: meter 12345678 is configured twice"]);
    expect(validateEdit(raw, mergeSettings(raw, { mqtt: { url: "mqtt://x", pasword: "typo" } })).problems).toEqual(["mqtt.pasword: unknown setting"]);
    expect(validateEdit(raw, mergeSettings(raw, { radioMode: "X" })).problems[0]).toMatch(/^radioMode: expected "TC"/);
  });
});

describe("Wi-Fi onboarding state machine on a simulated Wi-Fi", () => {
  it("fresh device → access point; saved network → online; network gone N minutes → access point again, settings kept", () => {
    let settings: { ssid: string; password?: string } | undefined;
    const wifi = new SimulatedWifi([{ ssid: "home", password: "correct horse", rssi: -50, up: true }], () => settings, 2000);
    const mode = new WifiMode({ actions: wifi, failMs: 5 * 60_000, retryMs: 60_000 });
    wifi.onStation = (up, now) => mode.stationChanged(up, now);
    const at = (t: number) => {
      wifi.advance(t);
      mode.tick(t);
    };
    mode.start(false, false, 0);
    expect([mode.role, wifi.accessPointOpen]).toEqual(["onboarding", true]);
    expect(wifi.scan()).toEqual([{ ssid: "home", rssi: -50 }]);
    settings = { ssid: "home", password: "correct horse" };
    mode.networkConfigured(10_000);
    expect([mode.role, wifi.accessPointOpen]).toEqual(["joining", false]);
    at(12_000);
    expect(mode.role).toBe("online");
    wifi.networks[0].up = false; // the router goes away
    at(20_000);
    expect(mode.role).toBe("joining");
    for (let t = 20_000; t < 20_000 + 5 * 60_000 - 1000; t += 10_000) at(t);
    expect([mode.role, wifi.accessPointOpen]).toEqual(["joining", false]);
    at(20_000 + 5 * 60_000);
    expect([mode.role, wifi.accessPointOpen, mode.fallbacks]).toEqual(["fallback", true, 1]);
    expect(settings).toEqual({ ssid: "home", password: "correct horse" }); // nothing forgotten
    wifi.networks[0].up = true;
    for (let t = 330_000; t < 420_000 && mode.role !== "online"; t += 5_000) at(t);
    expect([mode.role, wifi.accessPointOpen]).toEqual(["online", false]);
    mode.requestOnboarding(500_000); // long press
    expect([mode.role, wifi.accessPointOpen, wifi.stationUp]).toEqual(["onboarding", true, false]);
  });
  it("a wrong Wi-Fi password never comes online and falls back to the access point", () => {
    const wifi = new SimulatedWifi([{ ssid: "home", password: "correct horse", rssi: -50, up: true }], () => ({ ssid: "home", password: "wrong one!" }), 2000);
    const mode = new WifiMode({ actions: wifi, failMs: 60_000 });
    wifi.onStation = (up, now) => mode.stationChanged(up, now);
    mode.start(true, false, 0);
    for (let t = 0; t <= 60_000; t += 5000) {
      wifi.advance(t);
      mode.tick(t);
    }
    expect([mode.role, wifi.accessPointOpen]).toEqual(["fallback", true]);
  });
});

describe("OTA upload", () => {
  const target = { board: "heltec-wifi-lora-32-v3", chip: "esp32s3" };
  const image = (chipId: number, n = 5000) => {
    const b = new Uint8Array(randomBytes(n));
    b[0] = 0xe9;
    b[12] = chipId;
    b[13] = 0;
    return b;
  };
  const upload = (file: Uint8Array, chunk: number) => {
    const p = new SimulatedPartition(64 * 1024);
    const u = new OtaUpload(p, target, nodeHash);
    for (let i = 0; i < file.length; i += chunk) u.write(file.subarray(i, i + chunk));
    return { result: u.end(), p };
  };
  it("accepts an image for this board and chip in any chunking, bytes intact", () => {
    const img = image(9);
    for (const chunk of [1, 7, 96, 97, 4096]) {
      const { result, p } = upload(buildOtaFile(nodeHash, img, target.board, "1.2.3"), chunk);
      expect(result).toEqual({ ok: true, version: "1.2.3", bytes: img.length });
      expect(p.boot).toBe("updated");
      expect(Buffer.from(p.image()).equals(Buffer.from(img))).toBe(true);
    }
  });
  it("refuses another board, another chip, a corrupted image, a short file and a raw .bin", () => {
    const other = upload(buildOtaFile(nodeHash, image(9), "esp32-cc1101", "1.2.3"), 512);
    expect(other.result).toEqual({ ok: false, message: 'this update is for board "esp32-cc1101", this gateway is "heltec-wifi-lora-32-v3"' });
    expect(other.p.log).toEqual([]); // the slot was never opened
    const chip = upload(buildOtaFile(nodeHash, image(0), target.board, "1"), 512);
    expect(chip.result).toMatchObject({ ok: false, message: "the image is for chip id 0, this gateway's esp32s3 is 9" });
    const file = buildOtaFile(nodeHash, image(9), target.board, "1");
    file[3000] ^= 1;
    const bad = upload(file, 512);
    expect(bad.result).toEqual({ ok: false, message: "image checksum (SHA-256) does not match the header" });
    expect([bad.p.log, bad.p.boot]).toEqual([["begin", "cancel"], "running"]);
    expect(upload(file.subarray(0, 2000), 512).result).toMatchObject({ ok: false, message: expect.stringMatching(/^image incomplete: 1904 of 5000/) });
    expect(upload(image(9), 512).result).toMatchObject({ ok: false, message: expect.stringMatching(/^not a gateway update file/) });
  });
});

describe("events and history", () => {
  it("the SSE backlog resumes after Last-Event-ID and stays bounded", () => {
    const log = new EventLog(4, 10_000);
    for (let i = 1; i <= 6; i++) log.publish("reading", { n: i });
    const open = log.opening(undefined);
    expect(open.startsWith("retry: 3000\n\n")).toBe(true);
    expect(open.match(/^id: /gm)!.length).toBe(4);
    expect(log.opening("5")).toBe("retry: 3000\n\n" + EventLog.format(6, "reading", '{"n":6}'));
  });
  it("the history ring keeps the last points of the charted field and at most `meters` meters", () => {
    const h = new ReadingHistory(2, 3);
    const r = (id: string, t: number, v: number) => ({ readingId: "", telegramId: "", meterId: id, meterName: "", driver: "", media: "", receivedAt: t * 1000, reading: { _: "telegram", id, rssi_dbm: -70, total_m3: v, temperature_c: 20 } });
    for (let i = 0; i < 5; i++) h.remember(r("a", i, i * 1.5));
    expect(h.series("a")).toEqual({ field: "total_m3", points: [[2, 3], [3, 4.5], [4, 6]] });
    h.remember(r("b", 10, 1));
    h.remember(r("c", 11, 2)); // evicts a (touched longest ago)
    expect(h.series("a")).toBeUndefined();
    expect(h.series("c")!.points).toEqual([[11, 2]]);
    expect(h.bytes).toBe(2 * 3 * 8);
  });
});

describe("assets", () => {
  it("assets.ts is generated from web/ and the three assets stay under 30 KB gzipped", () => {
    execFileSync("node", ["host/gen-web-assets.mjs", "--check"]);
    const gz = Object.values(ASSETS).reduce((n, a) => n + gzipSync(Buffer.from(a!.body, "utf8"), { level: 9 }).length, 0);
    expect(gz).toBeGreaterThan(3000);
    expect(gz).toBeLessThanOrEqual(30 * 1024);
  });
});
