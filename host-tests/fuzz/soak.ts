/**
 * Soak (#15): the simulated building (49 meters, host-tests/sim/apartment.ts) through the ideal radio and the
 * gateway for `hours` of simulated time, as fast as the host runs, with faults sprinkled in: frames with a
 * flipped bit, spoofed TPL ids under configured link addresses, replays of earlier frames of encrypted meters, and downgraded
 * plain copies of keyed meters. Checks every telegram of a configured meter heard → exactly one reading,
 * counters that add up, and heap growth after warm-up. `node --expose-gc build/host-tests/fuzz/soak.js [hours]`.
 */
import { fileURLToPath } from "node:url";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import { Apartment } from "../sim/apartment.js";
import { Prng } from "../sim/prng.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";
import { DIRECT_SENSITIVITY_DBM, DirectFrameSource } from "../rigs/gateway-direct-source.js";
import { spoofFrame } from "./hostile-frames.js";

export interface SoakResult {
  hours: number;
  telegrams: number;
  expectedReadings: number;
  readings: number;
  /**
   * Readings whose reading id an earlier reading (among the last 2 000) had: distinct telegrams with identical
   * content (a plain meter repeating itself beyond the dedup window) — not a failure, the sim counts them apart.
   */
  duplicatesPublished: number;
  /** Expected readings that did not arrive. */
  missing: number;
  faults: { flipped: number; spoofed: number; replayed: number };
  /** frames − (duplicates + bad + unknown + decode errors + readings): 0 when every frame is counted once. */
  uncounted: number;
  heapGrowthBytes?: number;
  stats: Record<string, unknown>;
}

export function runSoak(hours: number, seed = 1): SoakResult {
  const cipher = nodeCipher();
  const ap = new Apartment({ cipher, seed });
  const clock = new SimClock(ap.startMs);
  const hub = new MemoryHub(0);
  const seenIds = new Set<string>();
  let duplicatesPublished = 0;
  let readings = 0;
  const perMeter = new Map<string, number>();
  const counting = {
    submit(r: Parameters<MemoryHub["submit"]>[0]) {
      readings++;
      const k = r.meterId + "/" + r.telegramId;
      if (seenIds.has(k)) duplicatesPublished++;
      seenIds.add(k);
      if (seenIds.size > 2000) seenIds.delete(seenIds.values().next().value as string); // the harness stays bounded too
      perMeter.set(r.meterId, (perMeter.get(r.meterId) ?? 0) + 1);
    },
    gatewayStatus: () => undefined,
    stats: () => hub.stats(),
    close: () => undefined,
  };
  const gateway = new Gateway({ config: parseConfig(ap.settings("soak")).config, clock, cipher, hub: counting });
  const rng = new Prng(seed + 1000);
  const configured = new Set(ap.meters.filter((m) => m.configured).map((m) => m.id));
  const keyed = new Set(ap.meters.filter((m) => m.configured && m.keyHex).map((m) => m.id));
  const expected = new Map<string, number>();
  const expectedKeys = new Set<string>();
  const faults = { flipped: 0, spoofed: 0, replayed: 0 };
  const recent: RadioFrame[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapBefore: number | undefined;
  let telegrams = 0;
  const end = ap.startMs + hours * 3_600_000;
  const warmEnd = ap.startMs + Math.min(hours * 3_600_000 / 4, 3_600_000);
  for (let t = ap.startMs; t < end; t += 60_000) {
    if (heapBefore === undefined && t >= warmEnd && gc) { gc(); gc(); heapBefore = process.memoryUsage().heapUsed; }
    for (const tx of ap.takeUntil(Math.min(end, t + 60_000))) {
      clock.advanceTo(tx.at);
      if (!DirectFrameSource.hears("TC", tx.mode) || tx.rssiDbm < DIRECT_SENSITIVITY_DBM) continue;
      const frame: RadioFrame = { bytes: tx.bytes.slice(), mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at };
      telegrams++;
      if (rng.next() < 0.01) {
        // a flipped bit: the CRC catches it, this copy is lost on air (not expected)
        const bad = frame.bytes.slice();
        bad[rng.int(0, bad.length - 1)] ^= 1 << rng.int(0, 7);
        gateway.handleFrame({ ...frame, bytes: bad });
        faults.flipped++;
        continue;
      }
      // a telegram is expected once when any copy of it (direct or via the repeater) arrived intact
      const key = tx.meterId + "#" + tx.seq;
      if (configured.has(tx.meterId) && !expectedKeys.has(key)) {
        expectedKeys.add(key);
        expected.set(tx.meterId, (expected.get(tx.meterId) ?? 0) + 1);
      }
      if (expectedKeys.size > 4096) expectedKeys.delete(expectedKeys.values().next().value as string);
      gateway.handleFrame(frame);
      // replays of encrypted meters only: a plain meter's replay beyond the dedup window is indistinguishable from
      // a meter repeating itself and is published again under the same reading id (docs/reliability.md)
      if (keyed.has(tx.meterId)) recent.push(frame);
      if (recent.length > 64) recent.shift();
      if (rng.next() < 0.02) { gateway.handleFrame(radioSpoof(rng, tx.at)); faults.spoofed++; }
      if (rng.next() < 0.02 && recent.length > 10) {
        clock.advanceTo(tx.at + 1);
        const old = recent[rng.int(0, recent.length - 10)];
        gateway.handleFrame({ ...old, receivedAt: tx.at });
        faults.replayed++;
      }
    }
    if ((t - ap.startMs) % 3_600_000 === 0) gateway.publishStatus();
    for (const m of ap.meters) m.sent.length = 0; // the simulator's own log of what it sent (not needed here)
  }
  let heapGrowthBytes: number | undefined;
  if (gc && heapBefore !== undefined) { gc(); gc(); heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore; }
  const s = gateway.stats();
  const errors = Object.values(s.decodeErrors).reduce((a, n) => a + n, 0);
  let expectedReadings = 0;
  let missing = 0;
  for (const [id, n] of expected) { expectedReadings += n; missing += Math.max(0, n - (perMeter.get(id) ?? 0)); }
  return {
    hours, telegrams, expectedReadings, readings, duplicatesPublished, missing, faults,
    uncounted: s.frames - (s.duplicates + s.badFrames + s.unknownFrames + errors + s.readings), heapGrowthBytes, stats: s as unknown as Record<string, unknown>,
  };
}

function radioSpoof(rng: Prng, at: number): RadioFrame {
  return { bytes: spoofFrame(0x40000000 + rng.int(0, 0x3fffffff)), mode: "T", format: "A", rssiDbm: -60, receivedAt: at };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const hours = Number(process.argv[2] ?? 24);
  const r = runSoak(hours);
  console.log(JSON.stringify(r, null, 1));
  const ok = r.missing === 0 && r.uncounted === 0 && r.readings === r.expectedReadings && (r.heapGrowthBytes ?? 0) < 1_000_000;
  console.log(ok ? "PASS" : "FAIL");
  process.exitCode = ok ? 0 : 1;
}
