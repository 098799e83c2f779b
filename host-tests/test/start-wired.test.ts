/**
 * `npm start`'s wiring with the wired M-Bus segment (host-tests/host/start.ts startSettings → SimDevice): the
 * simulated building's wired meters are polled on the simulated segment and their readings reach MQTT (the real
 * broker: Mosquitto on 127.0.0.1:1883, else aedes) with the same shape as radio meters' readings, Home Assistant
 * discovery included. The fixed-structure meter gives the MBDOC48 example's values (docs/wired.md). Also the
 * wired settings' validation messages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { parseConfig, problemText, saveConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { SimDevice } from "../../host/web-sim-device.js";
import { fullBody } from "../../firmware/web/web-app.js";
import { startSettings } from "../../host/start.js";
import { startTestBroker, until, type TestBroker } from "../support/uplink-test-broker.js";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

describe("npm start: wired M-Bus meters", () => {
  it("are polled on the simulated segment and published like radio meters, discovery included", async () => {
    const gw = `wired-${process.pid}-${Date.now().toString(36)}`;
    const url = `mqtt://${broker.host}:${broker.port}`;
    const apartment = new Apartment({ cipher: nodeCipher(), seed: 3, meters: 6 });
    const store = new MemoryKeyValueStore();
    expect(saveConfig(store, startSettings(apartment, { gateway: gw, noWired: false }, url))).toEqual([]);
    const user = await mqtt.connectAsync(url, { clientId: gw + "-user", clean: true, reconnectPeriod: 0 });
    const seen = new Map<string, string>();
    user.on("message", (topic, p) => { if (p.length) seen.set(topic, p.toString()); });
    await user.subscribeAsync([`wmbus/${gw}/#`, `homeassistant/sensor/${gw}/#`], { qos: 1 });
    const device = new SimDevice({ store, apartment, iterations: 50 });
    device.app.auth.setAdminPassword("admin-pass-1");
    device.app.auth.setApiToken("tok-tok-tok-tok-tok");
    try {
      await until(() => seen.has(`wmbus/${gw}/status`), "MQTT up");
      await device.run(Infinity, 6 * 60_000);
      await until(() => ["20240001", "20240002", "12345678"].every((id) => seen.has(`wmbus/${gw}/${id}`)), "wired readings on MQTT");
      const stats = device.wired.stats().meters;
      expect(stats.map((m) => [m.meterId, m.address, m.ok, m.failed])).toEqual([
        ["20240001", "primary 5", 2, 0], // at 0 and 300 s of the 6 simulated minutes
        ["20240002", "secondary 20240002-FFFF-FF-FF", 2, 0],
        ["12345678", "primary 7", 2, 0],
      ]);
      const status = JSON.parse(fullBody(device.app.handle({ method: "GET", path: "/api/status", headers: { authorization: "Bearer tok-tok-tok-tok-tok" } })));
      expect(status.wired.meters.map((m: { meterId: string; ok: number }) => [m.meterId, m.ok])).toEqual([["20240001", 2], ["20240002", 2], ["12345678", 2]]);
      expect(status.wired.line).toMatchObject({ timeouts: 0, garbage: 0 });
      // the web API edits the bus and a meter's wired block with the settings' messages; a change restarts polling
      const api = (method: string, path: string, body: unknown) => {
        const r = device.app.handle({ method, path, headers: { authorization: "Bearer tok-tok-tok-tok-tok", "content-type": "application/json" }, body: JSON.stringify(body) });
        return { status: r.status, json: JSON.parse(fullBody(r)) };
      };
      expect(api("POST", "/api/settings", { wired: { baud: 1200 } })).toEqual({ status: 400, json: { error: "settings refused", problems: ["wired.baud: expected one of 300, 2400, 9600 baud, got 1200; using 2400"] } });
      const oldAt = device.gateway.config.meters.findIndex((m) => m.id === "12345678"); // listed after 20240001: it is the one named
      expect(api("POST", "/api/meters/20240001", { wired: { primary: 7 } }).json.problems).toEqual([`meters[${oldAt}].wired: primary 7 is already meter 20240001's; one address per meter, this meter is not polled`]);
      expect(api("POST", "/api/settings", { wired: { baud: 9600 } }).json.notes).toEqual(["wired M-Bus polling restarted"]);
      expect(device.gateway.config.wired).toEqual({ baud: 9600 });
      const heat = JSON.parse(seen.get(`wmbus/${gw}/20240001`)!);
      const water = JSON.parse(seen.get(`wmbus/${gw}/20240002`)!);
      const old = JSON.parse(seen.get(`wmbus/${gw}/12345678`)!);
      expect(water).toMatchObject({ id: "20240002", name: "Cold water (wired)", total_m3: 123.456 });
      expect(old).toMatchObject({ id: "12345678", total_m3: 0.001, target_m3: 0.135 }); // MBDOC48 p. 35
      expect(Object.values(heat)).toContain(12345); // kWh
      expect(Object.values(heat)).toContain(678.9); // m³
      // the same envelope as a radio meter's reading
      const radioId = device.gateway.config.meters.find((m) => !m.wired && seen.has(`wmbus/${gw}/${m.id}`))!.id;
      const radio = JSON.parse(seen.get(`wmbus/${gw}/${radioId}`)!);
      const envelope = (r: Record<string, unknown>) => ["_", "media", "meter", "name", "id", "timestamp", "reading_id", "telegram_id"].map((k) => [k, typeof r[k]]);
      expect(envelope(heat)).toEqual(envelope(radio));
      expect(heat.telegram_id).toMatch(/^wired-/);
      // Home Assistant discovery for the wired meter, shaped like the radio meter's
      const configs = (id: string) => [...seen.keys()].filter((t) => t.startsWith(`homeassistant/sensor/${gw}/`) && t.includes(id));
      expect(configs("12345678").length).toBeGreaterThan(0);
      const one = JSON.parse(seen.get(configs("12345678").find((t) => t.includes("total_m3"))!)!);
      const radioOne = JSON.parse(seen.get(configs(radioId)[0])!);
      expect(one.state_topic).toBe(`wmbus/${gw}/12345678`);
      expect(Object.keys(one).sort()).toEqual(Object.keys(radioOne).sort());
    } finally {
      await device.close();
      await new Promise((r) => setTimeout(r, 200));
      for (const t of seen.keys()) await user.publishAsync(t, "", { retain: true, qos: 1 }).catch(() => undefined);
      await user.endAsync();
    }
  }, 60_000);

  it("wired settings: speed, UART and addresses are checked with clear messages", () => {
    const { config, problems } = parseConfig({
      wired: { uart: 0, baud: 1200, parity: "E" },
      meters: [
        { id: "20240001", wired: { primary: 5 } },
        { id: "20240003", wired: { primary: 5, interval_s: 5 } },
        { id: "20240004", wired: { primary: 6, secondary: "20240004" } },
      ],
    });
    expect(problems.map(problemText)).toEqual([
      "meters[1].wired.interval_s: expected a number of seconds ≥ 10",
      "meters[2].wired: give exactly one of primary and secondary",
      "wired.parity: unknown setting, ignored (known here: uart, baud)",
      "wired.baud: expected one of 300, 2400, 9600 baud, got 1200; using 2400",
      "wired.uart: expected UART 1 or 2 (UART 0 is the console), got 0; using the board's",
    ]);
    expect(config.wired).toEqual({ baud: 2400 });
    const dup = parseConfig({ wired: { uart: 2, baud: 9600 }, meters: [{ id: "20240001", wired: { primary: 5 } }, { id: "20240003", wired: { primary: 5 } }] });
    expect(dup.problems.map(problemText)).toEqual(["meters[1].wired: primary 5 is already meter 20240001's; one address per meter, this meter is not polled"]);
    expect(dup.config.wired).toEqual({ uart: 2, baud: 9600 });
    expect(dup.config.meters.map((m) => m.wired?.primary)).toEqual([5, undefined]);
  });
});
