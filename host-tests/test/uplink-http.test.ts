/**
 * HTTP uplink (firmware/uplink/http-uplink.ts + host NodeHttpClient) against a local node:http
 * server: JSON batches, retries with exponential backoff after errors, order and once-only
 * delivery, URL checks that never print a password.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBlockStorage } from "../../firmware/uplink/block-storage.js";
import { HttpUplink, parseHttpUrl } from "../../firmware/uplink/http-uplink.js";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import type { UplinkTimers } from "../../firmware/uplink/uplink.js";
import { NodeHttpClient } from "../../host/uplink-http-node.js";
import { until, waterReading } from "../support/uplink-test-broker.js";

interface Post {
  path: string;
  type: string | undefined;
  token: string | undefined;
  body: { gateway: string; readings: { reading_id: string; meter_id: string; received_at: string; reading: Record<string, unknown> }[] };
}

let server: Server;
let base = "";
const posts: Post[] = [];
/** Status codes the server answers with, in turn; 200 when empty. */
const answers: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = answers.shift() ?? 200;
      if (status === 200) {
        posts.push({ path: req.url ?? "", type: req.headers["content-type"], token: req.headers["x-token"] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Real timers, but every delay recorded and shortened 100-fold (the test never waits long). */
class FastTimers implements UplinkTimers {
  delays: number[] = [];
  set(cb: () => void, ms: number) {
    this.delays.push(ms);
    return setTimeout(cb, ms / 100);
  }
  clear(h: unknown) {
    clearTimeout(h as ReturnType<typeof setTimeout>);
  }
}

const reading = (i: number) => waterReading("gw", i, "76348799", "Küche");

describe("HTTP uplink", () => {
  it("posts JSON batches in order, retrying with exponential backoff until a 2xx", async () => {
    posts.length = 0;
    answers.push(500, 503, 502);
    const timers = new FastTimers();
    const sink = new HttpUplink({ client: new NodeHttpClient(), url: `${base}/api/readings?site=1`, gatewayId: "gw", headers: { "x-token": "abc" }, maxBatch: 4 });
    const hub = new DeliveryHub({ sink, ring: RecordRing.open(new MemoryBlockStorage(32 * 1024)), timers, retryMinMs: 1000, retryMaxMs: 60_000 });
    for (let i = 0; i < 10; i++) hub.submit(reading(i));
    await until(() => hub.stats().delivered === 10, "10 readings");
    expect(timers.delays).toEqual([1000, 2000, 4000]);
    expect(hub.stats()).toMatchObject({ delivered: 10, buffered: 0, retries: 3, errors: 3 });
    const ids = posts.flatMap((p) => p.body.readings.map((r) => r.reading_id));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `gw:${i}`));
    expect(posts.every((p) => p.body.readings.length <= 4)).toBe(true);
    expect(posts[0]).toMatchObject({ path: "/api/readings?site=1", type: "application/json", token: "abc" });
    expect(posts[0].body.gateway).toBe("gw");
    expect(posts[0].body.readings[0]).toMatchObject({ meter_id: "76348799", received_at: "2026-01-01T00:00:00.000Z", reading: { name: "Küche", total_m3: 0 } });
    await hub.close();
  });

  it("buffers while the server is unreachable and delivers afterwards", async () => {
    posts.length = 0;
    const timers = new FastTimers();
    // Nothing listens on port 9 (discard) of 127.0.0.1: connection refused.
    const dead = new HttpUplink({ client: new NodeHttpClient(1000), url: "http://127.0.0.1:9/x", gatewayId: "gw" });
    const storage = new MemoryBlockStorage(32 * 1024);
    const hub = new DeliveryHub({ sink: dead, ring: RecordRing.open(storage), timers, retryMinMs: 100, retryMaxMs: 100 });
    for (let i = 0; i < 5; i++) hub.submit(reading(i));
    await until(() => hub.stats().errors >= 2, "failed attempts");
    expect(hub.stats()).toMatchObject({ delivered: 0, buffered: 5 });
    await hub.close();
    // Next start with the right URL, same buffer: everything arrives once, in order.
    const live = new HttpUplink({ client: new NodeHttpClient(), url: `${base}/x`, gatewayId: "gw" });
    const again = new DeliveryHub({ sink: live, ring: RecordRing.open(storage), timers });
    await until(() => again.stats().delivered === 5, "buffered readings");
    expect(posts.flatMap((p) => p.body.readings.map((r) => r.reading_id))).toEqual(["gw:0", "gw:1", "gw:2", "gw:3", "gw:4"]);
    await again.close();
  });

  it("checks URLs and never shows a password", () => {
    expect(parseHttpUrl("https://example.org/api")).toEqual({ tls: true, host: "example.org", port: 443, path: "/api" });
    expect(parseHttpUrl("http://10.0.0.2:8080")).toEqual({ tls: false, host: "10.0.0.2", port: 8080, path: "/" });
    expect(() => parseHttpUrl("ftp://x/")).toThrow(/bad HTTP URL "ftp:\/\/x\/"/);
    expect(() => parseHttpUrl("http://x:70000/")).toThrow(/port 70000 out of range/);
    let message = "";
    try {
      parseHttpUrl("https://admin:hunter2@example.org/api");
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/https:\/\/\*\*\*@example\.org\/api/);
    expect(message).not.toContain("hunter2");
  });
});
