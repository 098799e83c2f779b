/**
 * The uplink core runs on the device under XS. One bundle drives the offline ring (fill, wrap,
 * drop-oldest, torn writes, reopen), the reading codec, the HA discovery configs and the delivery
 * hub (scripted sink, manual timers); Node and xsnap (XS 13.3) must print the same lines.
 */
import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport, runInNodeAndXs } from "../xs/node-and-xs.js";

const imp = (p: string) => repoImport("firmware/" + p);

const ENTRY = `
import { MemoryBlockStorage } from ${imp("uplink/block-storage.ts")};
import { RecordRing } from ${imp("uplink/ring-buffer.ts")};
import { encodeReading, decodeReading } from ${imp("uplink/codec.ts")};
import { discoveryConfigs } from ${imp("uplink/ha-discovery.ts")};
import { Topics } from ${imp("uplink/topics.ts")};
import { DeliveryHub } from ${imp("uplink/hub.ts")};
import { lcg } from ${repoImport("host-tests/sim/random-frames.ts")};
${ENTRY_OUT}
const rnd = lcg(0x2a);
const enc = new TextEncoder(), dec = new TextDecoder();
const reading = (i) => ({ readingId: "gw:" + i, telegramId: "t" + i, meterId: "1234567" + (i % 3), meterName: i % 2 ? "Küche" : "", driver: "kamwater", media: "water",
  reading: { _: "telegram", media: "water", meter: "kamwater", name: "", id: "1234567" + (i % 3), total_m3: i / 1000, flow_temperature_c: 12.5, target_date: "2024-01-31", status: "OK", rssi_dbm: -70 }, receivedAt: 1700000000000 + i });

// Ring: random appends / acks / torn writes / reopens.
const mem = new MemoryBlockStorage(24 + 700);
let budget = Infinity;
const storage = { size: mem.size, read: (o, l) => mem.read(o, l), write: (o, d) => {
  if (d.length <= budget) { budget -= d.length; mem.write(o, d); return; }
  mem.write(o, d.subarray(0, budget)); budget = 0; throw new Error("cut"); } };
let ring = RecordRing.open(storage);
for (let step = 0; step < 400; step++) {
  const x = rnd(10);
  if (x < 6) {
    const p = enc.encode("r" + step + "-" + "y".repeat(rnd(90)));
    if (rnd(12) === 0) budget = rnd(p.length + 30);
    try { ring.append(p); } catch (e) { ring = RecordRing.open(storage); out("cut " + step); }
    budget = Infinity;
  } else if (x < 9) {
    const b = ring.peek(1 + rnd(3));
    if (b.length) { out("got " + b.map((r) => r.seq + ":" + dec.decode(r.payload).split("-")[0]).join(",")); ring.ack(b[b.length - 1].seq); }
  } else { ring = RecordRing.open(storage); }
  if (step % 50 === 0) out(JSON.stringify(ring.stats()));
}
// Codec and discovery.
for (let i = 0; i < 4; i++) {
  const bytes = encodeReading(reading(i));
  out(bytes.length + " " + JSON.stringify(decodeReading(bytes)));
  for (const m of discoveryConfigs(reading(i), new Topics("gw-1"))) out(m.topic + " " + m.payload);
}
// Hub with a sink that fails now and then, manual timers.
const timers = { q: [], set(cb, ms) { const t = { cb, ms }; this.q.push(t); return t; }, clear(t) { this.q = this.q.filter((x) => x !== t); } };
const received = [];
const sink = { name: "fake", maxBatch: 3, up: true, ready() { return this.up; },
  deliver(batch) { if (rnd(4) === 0) return Promise.reject(new Error("no")); batch.forEach((r) => received.push(r.readingId)); return Promise.resolve(); },
  publishStatus() {}, close() { return Promise.resolve(); } };
const hub = new DeliveryHub({ sink, ring: RecordRing.open(new MemoryBlockStorage(8192)), timers, retryMinMs: 10, retryMaxMs: 80 });
const tick = () => new Promise((r) => r()).then(() => {}).then(() => {}).then(() => {});
async function main() {
  for (let i = 0; i < 60; i++) {
    if (rnd(8) === 0) { sink.up = false; sink.listener.onDown(); }
    else if (!sink.up && rnd(3) === 0) { sink.up = true; sink.listener.onReady(); }
    hub.submit(reading(i));
    for (let k = 0; k < 5; k++) await tick();
    if (timers.q.length && rnd(2) === 0) { const t = timers.q.shift(); t.cb(); }
  }
  sink.up = true; sink.listener.onReady();
  for (let round = 0; round < 200; round++) { for (let k = 0; k < 5; k++) await tick(); const t = timers.q.shift(); if (t) t.cb(); }
  out("received " + received.join(","));
  out("stats " + JSON.stringify(hub.stats()));
}
main().then(() => out("done"), (e) => out("error " + e));
`;

describe("uplink core under XS", () => {
  it("prints identical results under Node and xsnap", async () => {
    const { node, xs } = await runInNodeAndXs("uplink", ENTRY);
    expect(node.at(-1)).toBe("done");
    expect(node.filter((l) => l.startsWith("cut ")).length).toBeGreaterThan(3);
    const got = node.find((l) => l.startsWith("received "))!.slice(9).split(",");
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => `gw:${i}`));
    // Ring deliveries come in sequence order; a repeat (after a cut during an ack) is the only exception.
    const seqs = node.filter((l) => l.startsWith("got ")).flatMap((l) => l.slice(4).split(",").map((x) => Number(x.split(":")[0])));
    expect(seqs.length).toBeGreaterThan(100);
    const firsts = seqs.filter((q, i) => !seqs.slice(0, i).includes(q));
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(xs).toEqual(node);
  });
});
