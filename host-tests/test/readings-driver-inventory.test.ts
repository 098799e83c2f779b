import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { detectDriver, driverByName, DRIVERS } from "../../firmware/meters/drivers/index.js";
import { makeReading } from "../../firmware/meters/reading.js";

/**
 * The driver inventory (issue 14): every wmbusmeters driver name, alias and detection triple (facts, in
 * host-tests/data/wmbusmeters-drivers.json with their source) must resolve to our driver of that name.
 * Each triple is sent as a minimal telegram (DLL address = the triple, short TPL header, no records),
 * so detection sees exactly what a receiver would.
 */
interface InventoryDriver {
  name: string;
  aliases: string[];
  detect: string[];
}
const inventory = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../data/wmbusmeters-drivers.json"), "utf8"),
) as { drivers: InventoryDriver[] };

/** A triple declared by two drivers belongs to the later one of wmbusmeters' generated table (see the data file). */
const OWNER_OF_SHARED: { readonly [triple: string]: string } = { "LSE,23,04": "qheatv2", "APA,01,16": "ultrimisv2" };

/** The version sent for a wildcard version: one no driver declares for these manufacturers. */
const ANY_VERSION = 0xee;

function manufacturerCode(m: string): number {
  return ((m.charCodeAt(0) - 64) << 10) | ((m.charCodeAt(1) - 64) << 5) | (m.charCodeAt(2) - 64);
}

/** L C M M A A A A V T | CI 7A ACC STS CFG CFG | 2F 2F (EN 13757-4 format A without CRCs, EN 13757-7 short header). */
function frame(m: string, v: number, t: number): Uint8Array {
  const code = manufacturerCode(m);
  const b = [0, 0x44, code & 0xff, code >> 8, 0x78, 0x56, 0x34, 0x12, v, t, 0x7a, 0x01, 0x00, 0x00, 0x00, 0x2f, 0x2f];
  b[0] = b.length - 1;
  return Uint8Array.from(b);
}

function detectTriple(triple: string): string {
  const [m, v, t] = triple.split(",");
  const version = v === "*" ? ANY_VERSION : parseInt(v, 16);
  const type = t === "*" ? 0x07 : parseInt(t, 16);
  const tel = new TelegramDecoder().decode(frame(m, version, type)).telegram;
  expect(tel.meter?.manufacturer, triple).toBe(m);
  return detectDriver(tel).name;
}

describe("driver inventory vs wmbusmeters", () => {
  it("has every driver name and alias, and every alias names its driver", () => {
    expect(inventory.drivers.length).toBeGreaterThanOrEqual(120);
    const missing = inventory.drivers.filter((d) => driverByName(d.name)?.name !== d.name).map((d) => d.name);
    expect(missing).toEqual([]);
    const badAliases: string[] = [];
    for (const d of inventory.drivers) for (const a of d.aliases) if (driverByName(a)?.name !== d.name) badAliases.push(`${a} → ${d.name}`);
    expect(badAliases).toEqual([]);
  });

  it("detects every declared triple as its driver", () => {
    const wrong: string[] = [];
    let n = 0;
    for (const d of inventory.drivers) {
      for (const triple of d.detect) {
        const want = OWNER_OF_SHARED[triple] ?? d.name;
        const got = detectTriple(triple);
        n++;
        if (got !== want) wrong.push(`${triple}: ${want} expected, got ${got}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(n).toBeGreaterThanOrEqual(270);
  });

  it("gives the generic reading to a triple no driver claims, and a configured driver always wins", () => {
    const unclaimed = new TelegramDecoder().decode(frame("XYZ", 0x01, 0x07)).telegram;
    expect(detectDriver(unclaimed).name).toBe("unknown");
    const ts = "2024-05-01T12:00:00Z";
    expect(makeReading(unclaimed, { timestamp: ts, driver: "auto" }).meter).toBe("auto");
    expect(makeReading(unclaimed, { timestamp: ts }).meter).toBe("unknown");
    const kam = new TelegramDecoder().decode(frame("KAM", 0x1b, 0x16)).telegram;
    expect(makeReading(kam, { timestamp: ts }).meter).toBe("kamwater");
    expect(makeReading(kam, { timestamp: ts, driver: "multical21" }).meter).toBe("kamwater");
    expect(makeReading(kam, { timestamp: ts, driver: "iperl" }).meter).toBe("iperl");
  });

  it("registers each driver name once", () => {
    const names = DRIVERS.map((d) => d.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});
