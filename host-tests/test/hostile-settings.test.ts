/**
 * #15 settings that say what is wrong: unknown names are problems naming the nearest known name, a UTF-8 BOM is
 * accepted, values are checked, `npm start` flags are validated, and with --config the embedded broker starts
 * only when the settings point at it.
 */
import { describe, expect, it } from "vitest";
import { CONFIG_KEY, loadConfig, parseConfig, problemText } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { parseFlags, wantsEmbeddedBroker } from "../../host/start.js";

describe("settings name what is wrong", () => {
  it("\"meter\" instead of \"meters\" is a problem with the nearest name, not 0 meters silently", () => {
    const { config, problems } = parseConfig({ meter: [{ id: "12345678" }] });
    expect(config.meters).toHaveLength(0);
    expect(problems.map(problemText)).toEqual(['meter: unknown setting, ignored; did you mean "meters"?']);
  });

  it("\"Key\" instead of \"key\" is a problem (the meter would otherwise silently have no key)", () => {
    const { problems } = parseConfig({ meters: [{ id: "12345678", Key: "000102030405060708090A0B0C0D0E0F" }] });
    expect(problems.map(problemText)).toEqual(['meters[0].Key: unknown setting, ignored; did you mean "key"?']);
  });

  it("unknown names in wifi, mqtt and http too", () => {
    const { problems } = parseConfig({ wifi: { ssid: "x", pasword: "12345678" }, mqtt: { url: "mqtt://h", topicprefix: "a" }, http: { url: "http://h/", header: {} } });
    expect(problems.map((p) => p.path)).toEqual(["wifi.pasword", "mqtt.topicprefix", "http.header"]);
    expect(problems.map((p) => p.message)).toEqual(['unknown setting, ignored; did you mean "password"?', 'unknown setting, ignored; did you mean "topicPrefix"?', 'unknown setting, ignored; did you mean "headers"?']);
  });

  it("a UTF-8 byte-order mark before the JSON is accepted", () => {
    const store = new MemoryKeyValueStore();
    store.set(CONFIG_KEY, "\uFEFF" + JSON.stringify({ meters: [{ id: "12345678" }] }));
    const { config, problems } = loadConfig(store);
    expect(problems).toEqual([]);
    expect(config.meters.map((m) => m.id)).toEqual(["12345678"]);
  });

  it("enums and booleans are checked", () => {
    const { problems } = parseConfig({ radioMode: "T", mqtt: { url: "mqtt://h", tls: "yes" }, meters: [{ id: "12345678", allowUnencrypted: "yes" }] });
    expect(problems.map((p) => p.path)).toEqual(["radioMode", "mqtt.tls", "meters[0].allowUnencrypted"]);
  });
});

describe("npm start flags", () => {
  it("--meters and --seed must be whole numbers in range", () => {
    expect(() => parseFlags(["--meters", "abc"])).toThrow(/--meters: expected a whole number 1\.\.49, got "abc"/);
    expect(() => parseFlags(["--meters", "-5"])).toThrow(/--meters/);
    expect(() => parseFlags(["--meters", "0"])).toThrow(/--meters/);
    expect(() => parseFlags(["--meters", "2.5"])).toThrow(/--meters/);
    expect(() => parseFlags(["--meters", "50"])).toThrow(/--meters/); // the simulated building has 49
    expect(() => parseFlags(["--seed", "abc"])).toThrow(/--seed/);
    expect(parseFlags(["--meters", "12", "--seed", "7"])).toMatchObject({ meters: 12, seed: 7 });
  });

  it("with --config the embedded broker runs only when the settings point at this machine", () => {
    expect(wantsEmbeddedBroker({ noMqtt: false }, undefined)).toBe(true);
    expect(wantsEmbeddedBroker({ noMqtt: true }, undefined)).toBe(false);
    expect(wantsEmbeddedBroker({ noMqtt: false, mqtt: "mqtt://x" }, undefined)).toBe(false);
    expect(wantsEmbeddedBroker({ noMqtt: false, config: "s.json" }, undefined)).toBe(true); // first use: created pointing at it
    expect(wantsEmbeddedBroker({ noMqtt: false, config: "s.json" }, {})).toBe(false);
    expect(wantsEmbeddedBroker({ noMqtt: false, config: "s.json" }, { mqtt: { url: "mqtt://broker.lan:1883" } })).toBe(false);
    expect(wantsEmbeddedBroker({ noMqtt: false, config: "s.json" }, { mqtt: { url: "mqtt://127.0.0.1:1883" } })).toBe(true);
  });
});
