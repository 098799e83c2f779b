/**
 * The raw-output, repeater, duty-cycle, network and board-check cores run on the device under XS: one bundle
 * drives them (records and rtl_wmbus lines for frames A and B, repeater with manual timers under a flood,
 * a NetworkLink over a scripted device, every check of a board description); Node and xsnap (XS 13.3) must
 * print the same lines.
 */
import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport, runInNodeAndXs } from "../xs/node-and-xs.js";

const imp = (p: string) => repoImport("firmware/" + p);

const ENTRY = `
import { RawOutput, rtlWmbusLine, rawJson } from ${imp("uplink/raw.ts")};
import { parseRawSettings } from ${imp("uplink/raw-settings.ts")};
import { addFrameACrc, addFrameBCrc } from ${imp("link/frame-format.ts")};
import { fromHex } from ${imp("util/hex.ts")};
import { Repeater } from ${imp("repeater/repeater.ts")};
import { NetworkLink } from ${imp("platform/network.ts")};
import { checkBoard } from ${imp("platform/board.ts")};
import { strappingUses } from ${imp("platform/board-extras.ts")};
import { Gateway } from ${imp("gateway/gateway.ts")};
import { parseConfig } from ${imp("gateway/config.ts")};
${ENTRY_OUT}
const hex = "234433300602010014007a8e0000002f2f0efd3a1147000000008e40fd3a341200000000";
const problems = [];
const settings = parseRawSettings({ frames: "all", sinks: [{ url: "udp://10.0.0.1:9011" }, { url: "tcp://h:1", format: "json" }] }, (p, m) => problems.push(p));
const lines = [];
const raw = new RawOutput({ settings, gatewayId: "gw", mqtt: { publishRaw: (k, p) => (lines.push(k + " " + p), true) },
  sinks: [{ format: "rtlwmbus", send: (l) => (lines.push("udp " + l), true), close() {} }, { format: "json", send: (l) => (lines.push("tcp " + l), false), close() {} }] });
const { config } = parseConfig({ gatewayId: "gw", meters: [{ id: "00010206", raw: true }] });
const clock = { t: Date.UTC(2021, 8, 12, 8, 45, 52, 250), now() { return this.t; } };
const gw = new Gateway({ config, clock, hub: { submit() {}, gatewayStatus() {}, stats() { return {}; }, close() {} }, raw });
gw.handleFrame({ bytes: addFrameACrc(fromHex(hex)), mode: "T", format: "A", rssiDbm: -71.4, receivedAt: 0 });
gw.handleFrame({ bytes: addFrameBCrc(fromHex(hex)), mode: "C", format: "B", rssiDbm: -60, receivedAt: 0 });
for (const l of lines) out(l.trimEnd());
out(JSON.stringify(raw.stats()) + " " + problems.join(","));

// Repeater under a flood with manual timers.
let now = 0;
const q = [];
const timers = { set(cb, ms) { const e = { at: now + ms, cb }; q.push(e); return e; }, clear(e) { const i = q.indexOf(e); if (i >= 0) q.splice(i, 1); } };
let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const sent = [];
const rep = new Repeater({ transmitter: { send: (f, m, fmt) => (sent.push(m + fmt + f.length), Promise.resolve({ ok: true })) }, timers, now: () => now, random, capacity: 8 });
const frame = (n) => { const s = [0, 0x44, 0x2d, 0x2c, n & 0xff, 0x56, 0x34, 0x12, 1, 7, 0x8c, 0, n & 0xff, 0x7a, 1, 0, 0, 0, 0x0c, 0x13, n & 0xff, 0, 0, 0]; s[0] = s.length - 1; return addFrameACrc(Uint8Array.from(s)); };
const tick = () => Promise.resolve().then(() => {}).then(() => {}).then(() => {});
async function main() {
  for (let i = 0; i < 3000; i++) {
    now += 500;
    rep.offer({ bytes: frame(i % 300), mode: i % 2 ? "C" : "T", format: "A", rssiDbm: -80, receivedAt: now });
    q.sort((a, b) => a.at - b.at);
    while (q.length && q[0].at <= now) { q.shift().cb(); await tick(); }
  }
  out("repeater " + JSON.stringify(rep.stats()) + " " + sent.slice(0, 5).join(","));
  // NetworkLink over a scripted device.
  const dev = { kind: "ethernet", connection: 200, address: undefined, MAC: "02:00:00:00:00:01", connect() { this.connection = 300; }, disconnect() { this.connection = 200; }, close() {} };
  const ev = [];
  const link = new NetworkLink({ device: dev, now: () => now, onChange: (e, s) => ev.push(e + ":" + s.address) });
  link.connect();
  for (const [c, a] of [[400, undefined], [500, "10.0.0.2"], [500, "10.0.0.3"], [200, undefined], [500, "10.0.0.4"]]) { dev.connection = c; dev.address = a; link.changed(); }
  out("network " + ev.join(",") + " " + JSON.stringify(link.status()));
  const board = { board: "x", title: "t", mcu: "esp32c3", radio: { kind: "cc1101", spiPort: 2, spiHz: 4000000, xtalHz: 26000000 },
    pins: { sck: 4, mosi: 6, miso: 5, radioSelect: 7, radioGdo0: 2, radioGdo2: 13, ethSelect: 8 }, ethernet: { kind: "w5500", spiPort: 1, spiHz: 20000000 } };
  out("board " + checkBoard(board).join(" | ") + " / " + JSON.stringify(strappingUses(board)));
}
main().then(() => out("done"), (e) => out("error " + e));
`;

describe("raw output, repeater, network and board checks under XS", () => {
  it("prints identical results under Node and xsnap", async () => {
    const { node, xs } = await runInNodeAndXs("raw-repeater", ENTRY);
    if (process.env.XS_FIGURES) console.log(node.join("\n"));
    expect(node.at(-1)).toBe("done");
    expect(node).toContain("rtlwmbus T1;1;1;2021-09-12 08:45:52.250;-71;-71;00010206;0x" + "234433300602010014007a8e0000002f2f0efd3a1147000000008e40fd3a341200000000");
    expect(node.find((l) => l.startsWith("repeater "))).toMatch(/"repeated":\d+/);
    expect(node.find((l) => l.startsWith("network "))).toMatch(/^network up:10.0.0.2,address:10.0.0.3,down:null,up:10.0.0.4 /);
    expect(node.find((l) => l.startsWith("board "))).toMatch(/GPIO 13 belongs to the flash bus/);
    expect(xs).toEqual(node);
  });
});
