/**
 * #15 HTTP uplink faults: 5xx answers, timeouts, a server gone (connection refused) and a server that takes the
 * batch but answers an error — in random order, with fixed seeds. Nothing is lost; nothing arrives twice except
 * with the same reading id (a batch the server took before failing comes again: at-least-once).
 */
import { describe, expect, it } from "vitest";
import { MemoryBlockStorage } from "../../firmware/uplink/block-storage.js";
import { HttpUplink, type HttpClient, type HttpTarget } from "../../firmware/uplink/http-uplink.js";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import type { UplinkTimers } from "../../firmware/uplink/uplink.js";
import { Prng } from "../sim/prng.js";
import { waterReading } from "../support/uplink-test-broker.js";

const timers: UplinkTimers = {
  set: (cb, ms) => setTimeout(cb, Math.min(ms / 1000, 5)),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

class FaultyServer implements HttpClient {
  received: string[] = [];
  faults = new Map<string, number>();
  constructor(readonly rng: Prng) {}
  async post(_t: HttpTarget, body: string): Promise<number> {
    await new Promise((r) => setTimeout(r, this.rng.int(0, 2)));
    const roll = this.rng.next();
    const ids = (JSON.parse(body) as { readings: { reading_id: string }[] }).readings.map((r) => r.reading_id);
    const fault = (k: string) => this.faults.set(k, (this.faults.get(k) ?? 0) + 1);
    if (roll < 0.15) { fault("5xx"); return 500 + this.rng.int(0, 4); }
    if (roll < 0.25) { fault("timeout"); throw new Error("timeout"); }
    if (roll < 0.35) { fault("refused"); throw new Error("connect ECONNREFUSED"); }
    this.received.push(...ids);
    if (roll < 0.45) { fault("took it, then 502"); return 502; }
    return 200;
  }
}

describe("HTTP uplink under faults", () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: 300 readings through 5xx, timeouts, refused connections → all arrive, repeats only by reading id`, async () => {
      const server = new FaultyServer(new Prng(seed));
      const sink = new HttpUplink({ client: server, url: "http://127.0.0.1:9/in", gatewayId: "gw", maxBatch: 7 });
      const hub = new DeliveryHub({ sink, ring: RecordRing.open(new MemoryBlockStorage(256 * 1024)), timers, retryMinMs: 1000, retryMaxMs: 4000 });
      for (let i = 0; i < 300; i++) {
        hub.submit(waterReading("gw", i));
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      const deadline = Date.now() + 30_000;
      while (hub.stats().delivered < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const unique = new Set(server.received);
      expect(unique.size).toBe(300);
      expect(hub.stats()).toMatchObject({ delivered: 300, buffered: 0, dropped: 0 });
      expect([...server.faults.keys()].sort()).toEqual(["5xx", "refused", "timeout", "took it, then 502"].sort());
      await hub.close();
    }, 60_000);
  }
});
