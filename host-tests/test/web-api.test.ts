/**
 * The web API without a browser (runs where Chromium is missing too): the gate (401 logged out, 403 without the
 * CSRF token, the API token for scripts), onboarding only while open and only with its nonce, write-only secrets,
 * and settings applied without a restart: a heard-but-unknown meter added with its key is decrypted from its next
 * telegram on, a removed meter stops producing readings.
 */
import { describe, expect, it } from "vitest";
import { saveConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { cookieValue, SESSION_COOKIE } from "../../firmware/web/auth.js";
import { fullBody, type WebRequest } from "../../firmware/web/web-app.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { SimDevice } from "../../host/web-sim-device.js";

const NEIGHBOUR = "09993623";

function setup() {
  const apartment = new Apartment({ cipher: nodeCipher(), seed: 5 });
  const store = new MemoryKeyValueStore();
  saveConfig(store, apartment.settings("api-test", { mqtt: { url: "mqtt://127.0.0.1:9", password: "mqtt-pass-xyz" } }));
  const device = new SimDevice({ store, apartment, iterations: 50 });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const req: WebRequest = { method, path, headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) };
    const r = device.app.handle(req);
    const text = fullBody(r);
    return { status: r.status, text, json: r.events ? undefined : (JSON.parse(text) as Record<string, any>), headers: r.headers };
  };
  return { apartment, store, device, call };
}

describe("web API", () => {
  it("onboarding opens only without an admin password and needs its nonce; then the gate holds", async () => {
    const { device, call } = setup();
    expect(call("GET", "/api/session").json).toMatchObject({ authenticated: false, onboarding: true });
    expect(call("POST", "/api/onboarding", { ssid: "home", wifiPassword: "correct horse", adminPassword: "admin-pass-1" }).status).toBe(403); // no nonce
    const { nonce, networks } = call("GET", "/api/onboarding").json!;
    expect(networks[0]).toEqual({ ssid: "home", rssi: -52 });
    const done = call("POST", "/api/onboarding", { ssid: "home", wifiPassword: "correct horse", adminPassword: "admin-pass-1" }, { "x-csrf-token": nonce });
    expect(done.status).toBe(200);
    expect(device.gateway.config.wifi).toEqual({ ssid: "home", password: "correct horse" });
    expect(call("GET", "/api/onboarding").status).toBe(403);
    for (const [m, p] of [["GET", "/api/status"], ["GET", "/api/settings"], ["GET", "/api/events"], ["POST", "/api/settings"], ["DELETE", "/api/meters/12345678"], ["POST", "/api/ota"]]) {
      expect(call(m, p, m === "POST" ? {} : undefined).status, `${m} ${p}`).toBe(401);
    }
    const login = call("POST", "/api/login", { password: "admin-pass-1" });
    expect(login.status).toBe(200);
    const setCookie = login.headers.find((h) => h[0] === "set-cookie")![1];
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = `${SESSION_COOKIE}=${cookieValue(setCookie, SESSION_COOKIE)}`;
    expect(call("GET", "/api/settings", undefined, { cookie }).status).toBe(200);
    expect(call("POST", "/api/settings", { radioMode: "S" }, { cookie }).status).toBe(403);
    expect(call("POST", "/api/settings", { radioMode: "S" }, { cookie, "x-csrf-token": "0".repeat(32) }).status).toBe(403);
    expect(call("POST", "/api/settings", { radioMode: "S" }, { cookie, "x-csrf-token": login.json!.csrf }).json).toMatchObject({ ok: true, notes: ["radio restarted in mode S"] });
    expect(device.gateway.config.radioMode).toBe("S");
    // API token: write-only, works without CSRF, wrong token is 401
    expect(call("POST", "/api/api-token", { token: "short" }, { cookie, "x-csrf-token": login.json!.csrf }).status).toBe(400);
    expect(call("POST", "/api/api-token", { token: "script-token-abcdef123" }, { cookie, "x-csrf-token": login.json!.csrf }).status).toBe(200);
    expect(call("POST", "/api/settings", { radioMode: "TC" }, { authorization: "Bearer script-token-abcdef123" }).status).toBe(200);
    expect(call("GET", "/api/status", undefined, { authorization: "Bearer script-token-abcdef124" }).status).toBe(401);
    const settings = call("GET", "/api/settings", undefined, { cookie }).text;
    expect(JSON.parse(settings).auth).toEqual({ adminPassword: "set", apiToken: "set", sessions: 1 });
    for (const secret of ["correct horse", "mqtt-pass-xyz", "admin-pass-1", "script-token-abcdef123"]) expect(settings).not.toContain(secret);
    await device.close();
  });

  it("adds an unknown meter with its key and removes one, both without a restart", async () => {
    const { apartment, device } = setup();
    device.app.auth.setAdminPassword("admin-pass-1");
    const auth = { authorization: "Bearer tok-tok-tok-tok-tok" };
    device.app.auth.setApiToken("tok-tok-tok-tok-tok");
    await device.run(Infinity, 10 * 60_000);
    const status = () => JSON.parse(fullBody(device.app.handle({ method: "GET", path: "/api/status", headers: auth }))) as Record<string, any>;
    const before = status();
    const heard = before.unknown_meters.find((u: { id: string }) => u.id === NEIGHBOUR);
    expect(heard).toMatchObject({ manufacturer: "LSE", driver_guess: "lse_07_17" });
    expect(before.meters.length).toBe(device.gateway.config.meters.length);
    const key = apartment.meters.find((m) => m.id === NEIGHBOUR)!.keyHex!;
    const bad = device.app.handle({ method: "POST", path: "/api/meters", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ id: NEIGHBOUR, key: key.slice(2) }) });
    expect(JSON.parse(bad.body)).toEqual({ error: "settings refused", problems: [`meters[${before.meters.length}].key: expected 32 hex digits, got 30`] });
    const add = device.app.handle({ method: "POST", path: "/api/meters", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ id: NEIGHBOUR, key, driver: heard.driver_guess }) });
    expect(add.status).toBe(200);
    expect(add.body).not.toContain(key);
    const removed = device.gateway.config.meters[0].id;
    expect(device.app.handle({ method: "DELETE", path: `/api/meters/${removed}`, headers: auth }).status).toBe(200);
    const readingsBefore = device.gateway.stats().readings;
    await device.run(Infinity, 10 * 60_000);
    const after = status();
    const added = after.meters.find((m: { id: string }) => m.id === NEIGHBOUR);
    expect(added.telegrams).toBeGreaterThan(5);
    expect(added.values).toMatchObject({ id: NEIGHBOUR, meter: "lse_07_17" });
    expect(after.unknown_meters.some((u: { id: string }) => u.id === NEIGHBOUR)).toBe(false);
    expect(after.meters.some((m: { id: string }) => m.id === removed)).toBe(false);
    expect(device.gateway.stats().readings).toBeGreaterThan(readingsBefore);
    expect(device.gateway.stats().decodeErrors).toEqual({});
    await device.close();
  });
});
