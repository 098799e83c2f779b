/**
 * The network interface abstraction (firmware/platform/network.ts, docs/network.md) on a simulated interface
 * with the SDK's connection numbers, driven together with the supervisor's reconnect on simulated time; and
 * the SPI plan of every board (firmware/platform/spi-plan.ts): hosts and chip selects from board data only.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { NetworkLink, networkState, type NetworkEvent, type NetworkStatus } from "../../firmware/platform/network.js";
import { spiPlan } from "../../firmware/platform/spi-plan.js";
import type { BoardDescription } from "../../firmware/platform/board.js";
import { Supervisor } from "../../firmware/gateway/supervisor.js";
import { SimNetworkDevice } from "../sim/network-device.js";

function linked(kind: "wifi" | "ethernet" = "ethernet") {
  const dev = new SimNetworkDevice(kind);
  let t = 1000;
  const events: [NetworkEvent, string | null][] = [];
  const link = new NetworkLink({ device: dev, now: () => t, onChange: (e, s) => events.push([e, s.address]) });
  dev.onChanged(() => link.changed());
  return { dev, link, events, at: (ms: number) => (t = ms) };
}

describe("NetworkLink", () => {
  it("SDK connection numbers map to states (200 down, 300 connecting, 400 link, 500 + address up)", () => {
    expect([networkState(0, undefined), networkState(200, undefined), networkState(300, undefined), networkState(400, undefined), networkState(500, "10.0.0.2"), networkState(500, undefined)])
      .toEqual(["down", "down", "connecting", "link", "up", "link"]);
  });

  it("up, address change, down, up again: one event each, counters and the current address", () => {
    const { dev, link, events, at } = linked();
    link.connect();
    expect(link.status().state).toBe("connecting");
    dev.linkUp();
    expect(link.up).toBe(false);
    at(2000);
    dev.lease("192.168.1.20");
    expect(link.up).toBe(true);
    expect(link.status()).toMatchObject({ kind: "ethernet", state: "up", address: "192.168.1.20", since: 2000, ups: 1, attempts: 1, mac: "02:00:00:00:00:01" });
    at(3000);
    dev.lease("192.168.1.21"); // DHCP gave a new lease
    dev.lease("192.168.1.21"); // renewal of the same lease: no event
    at(4000);
    dev.linkDown();
    expect(link.status()).toMatchObject({ state: "down", address: null, drops: 1, addressChanges: 1, since: 4000 });
    dev.linkUp();
    dev.lease("192.168.1.22");
    expect(events).toEqual([["up", "192.168.1.20"], ["address", "192.168.1.21"], ["down", null], ["up", "192.168.1.22"]]);
    expect(link.status()).toMatchObject({ ups: 2, drops: 1, addressChanges: 1 });
  });

  it("a device that throws on read counts as down; a failing listener does not break the state", () => {
    const dev = new SimNetworkDevice();
    const link = new NetworkLink({ device: dev, now: () => 0, onChange: () => { throw new Error("listener"); } });
    dev.onChanged(() => link.changed());
    dev.linkUp();
    dev.lease("10.0.0.5");
    expect(link.up).toBe(true);
    Object.defineProperty(dev, "connection", { get: () => { throw new Error("closed"); } });
    link.changed();
    expect(link.status()).toMatchObject({ state: "down", drops: 1 });
  });

  it("with the supervisor: reconnect with backoff while down, none while up, status shows the Ethernet address", () => {
    const { dev, link } = linked();
    let now = 0;
    let tick: () => void = () => undefined;
    const sup = new Supervisor({
      timers: { ticks: () => now, repeat: (cb) => ((tick = cb), 1), clear: () => undefined },
      actions: { connectWifi: () => link.connect(), requestTime: () => undefined, restartRadio: () => undefined, led: () => undefined, log: () => undefined },
      wifiMinMs: 1000, wifiMaxMs: 8000, radioSilenceMs: 1e12,
    });
    dev.onChanged(() => {
      link.changed();
      sup.wifiChanged(link.up);
    });
    dev.linkDown(); // no cable
    sup.start(); // first attempt right away
    expect(dev.connects).toBe(1);
    const attemptsAt: number[] = [];
    for (now = 0; now <= 32_000; now += 500) {
      const before = dev.connects;
      tick();
      if (dev.connects > before) attemptsAt.push(now);
    }
    expect(attemptsAt).toEqual([1000, 3000, 7000, 15000, 23000, 31000]); // 1, 2, 4, 8 s apart, then the 8 s cap
    dev.linkUp();
    dev.lease("10.1.2.3");
    const n = dev.connects;
    for (; now <= 60_000; now += 500) tick();
    expect(dev.connects).toBe(n); // no reconnect while up
    expect(sup.stats().wifiConnected).toBe(true);
    const s: NetworkStatus = link.status();
    expect(s).toMatchObject({ kind: "ethernet", state: "up", address: "10.1.2.3" });
    dev.linkDown();
    expect(sup.stats().wifiDrops).toBe(1);
  });
});

const ROOT = join(import.meta.dirname, "../..");
const BOARDS = readdirSync(join(ROOT, "boards")).filter((n) => n !== "common" && statSync(join(ROOT, "boards", n)).isDirectory());
const board = (name: string): BoardDescription => JSON.parse(readFileSync(join(ROOT, "boards", name, "pins.json"), "utf8"));

describe("SPI plan", () => {
  it.each(BOARDS)("%s: hosts, pins and chip selects come from pins.json", (name) => {
    const b = board(name);
    const plan = spiPlan(b);
    expect(plan.sdkProblems).toEqual([]);
    expect(plan.hosts[0]).toMatchObject({ port: b.radio.spiPort, sck: b.pins.sck, mosi: b.pins.mosi, miso: b.pins.miso, devices: [{ name: "radio", select: b.pins.radioSelect }] });
    if (b.ethernet?.kind === "w5500") {
      expect(plan.hosts).toHaveLength(2);
      expect(plan.hosts[1]).toMatchObject({ port: b.ethernet.spiPort, sck: b.pins.ethSck, devices: [{ name: "ethernet", select: b.pins.ethSelect }] });
      expect(plan.hosts[0].port).not.toBe(plan.hosts[1].port);
    } else expect(plan.hosts).toHaveLength(1);
  });

  it("radio and W5500 on one host: one bus, two devices with their own chip selects, the SDK limit reported", () => {
    for (const port of [1, 2] as const) {
      const b = board("waveshare-esp32-s3-eth-cc1101");
      b.radio.spiPort = port;
      b.ethernet!.spiPort = port;
      const plan = spiPlan(b);
      expect(plan.hosts).toHaveLength(1);
      expect(plan.hosts[0].idfHost).toBe(port === 1 ? "SPI2_HOST" : "SPI3_HOST");
      expect(plan.hosts[0].devices.map((d) => [d.name, d.select])).toEqual([["radio", 18], ["ethernet", 14]]);
      expect(plan.sdkProblems.join()).toMatch(/share SPI[23]_HOST: Moddable SDK 8.2.3/);
    }
  });
});

describe("NetworkLink.connect", () => {
  it("never throws when the interface refuses (SDK Ethernet: 'already connecting')", () => {
    const { dev, link } = linked();
    link.connect();
    expect(dev.connection).toBe(300);
    expect(() => link.connect()).not.toThrow();
    expect(link.status()).toMatchObject({ attempts: 2, state: "connecting" });
  });
});
