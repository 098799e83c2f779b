/**
 * #15 user strings never index plain objects: every Object.prototype name (and __proto__) fed to each name
 * lookup, to the settings validator and to `wmbus decode --driver` (single and --jsonl, where the batch goes on).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { driverByName } from "../../firmware/meters/drivers/index.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { makeReading } from "../../firmware/meters/reading.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { topicId } from "../../firmware/uplink/topics.js";
import { convert } from "../../firmware/meters/units.js";
import { classify } from "../../firmware/uplink/ha-discovery.js";
import { gatewayWith, radio, frameA } from "../fuzz/hostile-frames.js";

const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"])];
const FRAME = frameA("004493157856341233037A2B0000000C1312345678");
const HEX = Array.from(FRAME, (b) => b.toString(16).padStart(2, "0")).join("");
const cli = "bin/wmbus.js";

describe("Object.prototype names as user strings", () => {
  it("covers the names the issue lists", () => {
    for (const n of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) expect(NAMES).toContain(n);
  });

  it("driver lookup, units, topics and discovery classes treat them as unknown names", () => {
    for (const n of NAMES) {
      expect(driverByName(n), n).toBeUndefined();
      expect(convert(1, n, "m3"), n).toBeUndefined();
      expect(convert(1, "m3", n), n).toBeUndefined();
      expect(topicId(n)).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(() => classify("x_" + n, 1, "water"), n).not.toThrow();
    }
  });

  it("the settings validator names each as a problem and never crashes the gateway", () => {
    for (const n of NAMES) {
      const raw = JSON.parse(`{"meters": [{"id": "12345678", "driver": ${JSON.stringify(n)}}]}`);
      const { config, problems } = parseConfig(raw);
      expect(problems.map((p) => p.path), n).toContain("meters[0].driver");
      expect(config.meters).toHaveLength(0);
      // a setting or meter setting by that name: never a crash, always a problem naming it
      const top = parseConfig(JSON.parse(`{${JSON.stringify(n)}: 1, "meters": [{"id": "12345678", ${JSON.stringify(n)}: "x"}]}`));
      expect(top.problems.map((p) => p.path), n).toEqual(expect.arrayContaining([n, "meters[0]." + n]));
      const { gateway } = gatewayWith({ meters: [{ id: "12345678", driver: n }] });
      expect(() => gateway.handleFrame(radio(FRAME))).not.toThrow();
    }
  });

  it("a reading with a forced driver of that name and extra fields of those names does not throw", () => {
    const t = new TelegramDecoder().decode(FRAME).telegram;
    for (const n of NAMES) {
      const extra = JSON.parse(`{${JSON.stringify(n)}: "x"}`);
      expect(() => makeReading(t, { driver: n, timestamp: "2026-01-01T00:00:00Z", extra }), n).not.toThrow();
    }
  });

  it("wmbus decode --driver <name>: a typed error, no stack trace", () => {
    for (const n of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      const r = spawnSync(process.execPath, [cli, "decode", HEX, "--driver", n], { encoding: "utf8" });
      expect(r.stderr + r.stdout, n).not.toMatch(/\n\s+at /);
      expect(r.stderr + r.stdout, n).toContain(`unknown driver`);
      expect(r.status, n).toBe(2);
    }
  });

  it("wmbus decode --jsonl: every name as a driver is a typed error on its line and the batch continues", () => {
    const lines = NAMES.map((n) => JSON.stringify({ telegram: HEX, driver: n }));
    lines.push(JSON.stringify({ telegram: HEX }));
    const r = spawnSync(process.execPath, [cli, "decode", "--jsonl"], { input: lines.join("\n") + "\n", encoding: "utf8" });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(out).toHaveLength(NAMES.length + 1);
    for (let i = 0; i < NAMES.length; i++) expect(out[i].error?.code, NAMES[i]).toBe("bad_argument");
    expect(out[NAMES.length].ok).toBe(true);
  });
});
