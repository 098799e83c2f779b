/**
 * The fuzzer of #15 (docs/reliability.md): mutated corpus telegrams and random bytes through the decoder (with
 * and without keys), the reading layer and the gateway pipeline (frames with valid DLL CRCs, so they get past
 * the link check; the gateway knows every corpus meter and its key). Every input must end in a counted outcome;
 * an exception escaping any stage is a `crash` and its input is kept. Deterministic for a seed.
 */
import { KeyStore } from "../../firmware/security/key-store.js";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { addFrameACrc } from "../../firmware/link/frame-format.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { corpusPath, readCorpusLines } from "../bench/corpus.js";
import { withoutCrc } from "../sim/corpus-frames.js";
import { Prng } from "../sim/prng.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";

interface Seed {
  bytes: Uint8Array;
  key?: string;
}

/** Wireless telegrams of both corpus files (without DLL CRCs) with their keys. */
export function fuzzSeeds(): Seed[] {
  const first = corpusPath();
  const paths = [first, join(dirname(first), "wmbus-telegrams-more.jsonl")].filter((p) => existsSync(p));
  const out: Seed[] = [];
  for (const p of paths) {
    for (const r of readCorpusLines(p)) {
      if (r.frame.format !== "wmbus") continue;
      const t = withoutCrc(fromHex(r.telegram), r.frame.dll_crc);
      if (t && t.length >= 11) out.push({ bytes: t, key: r.key && /^[0-9A-Fa-f]{32}$/.test(r.key) ? r.key : undefined });
    }
  }
  return out;
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Called every `progressEvery` inputs (for the script's progress line). */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface FuzzResult {
  inputs: number;
  /** "decode:<ok|code>", "reading:<ok|code>", "gateway:<verdict>", "crash:<stage>" → count. */
  outcomes: Map<string, number>;
  crashes: { stage: string; hex: string; error: string }[];
  slowest: { ms: number; hex: string };
  heapGrowthBytes?: number;
  seconds: number;
}

function mutate(rng: Prng, src: Uint8Array): Uint8Array {
  let b = src.slice();
  const n = 1 + rng.int(0, 3);
  for (let i = 0; i < n; i++) {
    const op = rng.int(0, 7);
    const at = b.length ? rng.int(0, b.length - 1) : 0;
    if (op === 0 && b.length) b[at] ^= 1 << rng.int(0, 7);
    else if (op === 1 && b.length) b[at] = rng.byte();
    else if (op === 2) { const c = new Uint8Array(b.length + 1); c.set(b.subarray(0, at)); c[at] = rng.byte(); c.set(b.subarray(at), at + 1); b = c; }
    else if (op === 3 && b.length > 1) { const c = new Uint8Array(b.length - 1); c.set(b.subarray(0, at)); c.set(b.subarray(at + 1), at); b = c; }
    else if (op === 4 && b.length > 2) b = b.slice(0, rng.int(1, b.length - 1));
    else if (op === 5 && b.length > 11) { const from = rng.int(10, b.length - 1); const len = rng.int(1, Math.min(16, b.length - from)); const c = new Uint8Array(b.length + len); c.set(b); c.set(b.subarray(from, from + len), b.length); b = c; }
    else if (op === 6 && b.length > 11) b[rng.int(10, Math.min(b.length - 1, 30))] = [0x72, 0x7a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x78, 0x79, 0x7b][rng.int(0, 9)];
    else if (op === 7 && b.length > 12) b[rng.int(11, Math.min(b.length - 1, 24))] = rng.byte(); // header bytes: ACC, STS, CFG
  }
  if (b.length && rng.next() < 0.8) b[0] = (b.length - 1) & 0xff; // mostly a consistent L
  return b;
}

function randomTelegram(rng: Prng): Uint8Array {
  const b = new Uint8Array(rng.int(1, 80));
  for (let i = 0; i < b.length; i++) b[i] = rng.byte();
  if (rng.next() < 0.7) b[0] = b.length - 1;
  return b;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export function runFuzz(o: FuzzOptions): FuzzResult {
  const rng = new Prng(o.seed);
  const seeds = fuzzSeeds();
  const cipher = nodeCipher();
  const keyStore = new KeyStore();
  const withKeys = new TelegramDecoder({ cipher, keys: keyStore });
  const noKeys = new TelegramDecoder({ cipher });
  const meters: { id: string; key?: string }[] = [];
  const seen = new Set<string>();
  for (const s of seeds) {
    const d = new TelegramDecoder().decode(s.bytes).telegram;
    const id = d.meter?.id;
    if (!id || seen.has(id)) continue;
    seen.add(id);
    meters.push(s.key ? { id, key: s.key } : { id });
    if (s.key) keyStore.set(id, s.key);
  }
  const session = new ReadingSession(withKeys);
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const hub = new MemoryHub(16);
  const gateway = new Gateway({ config: parseConfig({ meters }).config, clock, cipher, hub });
  const outcomes = new Map<string, number>();
  const crashes: FuzzResult["crashes"] = [];
  const slowest = { ms: 0, hex: "" };
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapBefore = 0;
  const started = performance.now();
  const warm = Math.min(o.count, 20_000);
  for (let i = 0; i < o.count; i++) {
    if (i === warm && gc) { gc(); gc(); heapBefore = process.memoryUsage().heapUsed; }
    const seed = seeds[rng.int(0, seeds.length - 1)];
    const bytes = rng.next() < 0.15 ? randomTelegram(rng) : mutate(rng, seed.bytes);
    const useKey = seed.key !== undefined && rng.next() < 0.5 ? seed.key : undefined;
    const t0 = performance.now();
    let stage = "decode";
    try {
      const r = (useKey ? withKeys : noKeys).decode(bytes, { crc: "none", key: useKey });
      bump(outcomes, "decode:" + (r.ok ? "ok" : r.error ? r.error.code : "unknown"));
      stage = "reading";
      const { result } = session.read(bytes, { crc: "none", timestamp: "2026-01-01T00:00:00Z" });
      bump(outcomes, "reading:" + (result.ok ? "ok" : result.error ? result.error.code : "unknown"));
      stage = "gateway";
      if (bytes.length >= 10) {
        const f = bytes.slice();
        f[0] = (f.length - 1) & 0xff;
        if (f.length <= 256) {
          clock.advanceTo(clock.now() + 40);
          bump(outcomes, "gateway:" + gateway.handleFrame({ bytes: addFrameACrc(f), mode: "T", format: "A", rssiDbm: -70, receivedAt: clock.now() }));
        }
      }
    } catch (e) {
      bump(outcomes, "crash:" + stage);
      if (crashes.length < 20) crashes.push({ stage, hex: toHex(bytes), error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) { slowest.ms = ms; slowest.hex = toHex(bytes); }
    if (o.onProgress && o.progressEvery && (i + 1) % o.progressEvery === 0) o.onProgress(i + 1);
  }
  let heapGrowthBytes: number | undefined;
  if (gc && o.count > warm) { gc(); gc(); heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore; }
  return { inputs: o.count, outcomes, crashes, slowest, heapGrowthBytes, seconds: (performance.now() - started) / 1000 };
}
