/**
 * Wall-clock measurements on the host (a script, never a test): Node throughput of the decoder over the
 * corpus, and ns/byte of the TypeScript twins of the native C (firmware/link/crc16.ts crc16,
 * firmware/link/frame-format.ts stripFrameA, firmware/phy/three-of-six.ts decode3of6Into).
 */
import { pathToFileURL } from "node:url";
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { FormatCache } from "../../firmware/application/compact.js";
import { KNOWN_FORMATS } from "../../firmware/application/known-formats.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { HOST_MEMO } from "../../host/host-memo.js";
import { ReadingPlans } from "../../firmware/meters/plans.js";
import type { Telegram } from "../../firmware/telegram.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import { crc16 } from "../../firmware/link/crc16.js";
import { addFrameACrc, stripFrameA } from "../../firmware/link/frame-format.js";
import { decode3of6Into, encode3of6 } from "../../firmware/phy/three-of-six.js";
import { nodeCipher } from "../../host/aes-node.js";
import type { CorpusEntry } from "./corpus.js";
import { readingsAvailable, repoModule } from "./xs-stages.js";
import { TIMESTAMP } from "./xs-harness.js";

type MakeReading = (t: Telegram, opts: Record<string, unknown>) => unknown;

/** firmware/meters/reading's makeReading, or undefined while that module does not exist. */
export async function loadMakeReading(): Promise<MakeReading | undefined> {
  if (!readingsAvailable()) return undefined;
  const mod = (await import(pathToFileURL(repoModule("firmware/meters/reading")).href)) as { makeReading?: MakeReading };
  return mod.makeReading;
}

/** Parsed record headers a host gateway keeps (FormatCache memo sizes, host/host-memo.ts). */
export const HOST_SHAPE_MEMO = HOST_MEMO.shapes!;
/** Frame formats a host gateway keeps worked out (the corpus has about 300). */
export const HOST_FRAME_MEMO = HOST_MEMO.frames!;

export interface Throughput {
  telegramsPerSecond: number;
  telegrams: number;
  seconds: number;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/**
 * CPU seconds used by this process (user + system, all its threads). On a shared machine a process that
 * waits for a core uses no CPU time, so telegrams per CPU second is the one-core rate, where wall time
 * would also count the time other processes held the core. V8's helper threads (concurrent GC) are
 * counted too, which only makes the figure lower.
 */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Runs `pass` (one pass over the corpus, returning the telegrams it handled) in `rounds` rounds of at least
 * `seconds / rounds` CPU seconds each after a short warm-up, and keeps the best round: cache and memory
 * contention from other processes only ever slow a round down, so the fastest round is the least disturbed.
 */
function timeLoop(pass: () => number, seconds: number, rounds = 5): Throughput {
  const warmEnd = cpuNow() + Math.min(0.3, seconds / 4);
  while (cpuNow() < warmEnd) pass();
  let best: Throughput = { telegramsPerSecond: 0, telegrams: 0, seconds: 0 };
  for (let k = 0; k < rounds; k++) {
    let telegrams = 0;
    const t0 = cpuNow();
    let t = t0;
    while (t - t0 < seconds / rounds) {
      telegrams += pass();
      t = cpuNow();
    }
    const rate = telegrams / (t - t0);
    if (rate > best.telegramsPerSecond) best = { telegramsPerSecond: rate, telegrams, seconds: t - t0 };
  }
  return best;
}

/** The modules the Node set-up uses: this build's, or another build tree's (node-ab.ts). */
export interface BenchModules {
  fromHex: (hex: string) => Uint8Array;
  TelegramDecoder: typeof TelegramDecoder;
  FormatCache: typeof FormatCache;
  KNOWN_FORMATS: readonly string[];
  KeyStore: typeof KeyStore;
  makeReading?: MakeReading;
  cipher: BlockCipher;
  /** The reading engine's kept work for the run (firmware/meters/plans.ts), as a gateway's session keeps one. */
  plans?: unknown;
}

export interface BenchItem {
  bytes: Uint8Array;
  dec: TelegramDecoder;
  opts: { previous: unknown } & Record<string, unknown>;
}

/**
 * Per corpus record: a decoder with a key store holding its key (looked up as the gateway will, no
 * per-call key parsing) and the shared format cache (preludes fed once), and the reading options with
 * the meter's previous reading.
 */
export function benchItems(list: readonly CorpusEntry[], m: BenchModules): BenchItem[] {
  const { cipher, makeReading } = m;
  // A host gateway keeps every header and frame format the corpus's ~100 meter models send (device: 32 / 128).
  const formats = new m.FormatCache(256, HOST_MEMO);
  formats.import(m.KNOWN_FORMATS);
  return list.map((rec) => {
    const key = rec.key !== null && rec.key.length === 32 ? rec.key : undefined;
    const warm = new m.TelegramDecoder({ cipher, formats });
    for (const p of rec.prelude) warm.decode(m.fromHex(p), { key });
    const bytes = m.fromHex(rec.telegram);
    const w = warm.decode(bytes, { key }).telegram;
    const keys = new m.KeyStore();
    if (key !== undefined) {
      for (const id of [w.dll?.address.id, w.tpl?.address?.id, w.meter?.id]) if (id !== undefined && /^[0-9A-Fa-f]{8}$/.test(id)) keys.set(id, key);
    }
    const opts = { name: rec.name, driver: rec.driver ?? undefined, timestamp: TIMESTAMP, cipher, keys, plans: m.plans, previous: undefined as unknown };
    if (makeReading) opts.previous = makeReading(w, opts);
    return { bytes, dec: new m.TelegramDecoder({ cipher, formats, keys }), opts };
  });
}

/**
 * Node throughput over the corpus, one core: each record gets a decoder with a key store holding its key
 * (looked up as the gateway will, no per-call key parsing) and the shared format cache (preludes fed
 * once). "plain" is TelegramDecoder.decode alone; "full" adds makeReading with the meter's previous reading.
 * No replay guard: the corpus is decoded again and again, which a guard would (rightly) refuse.
 */
export async function nodeThroughput(list: readonly CorpusEntry[], seconds = 2): Promise<{ plain: Throughput; full?: Throughput }> {
  const makeReading = await loadMakeReading();
  const items = benchItems(list, { fromHex, TelegramDecoder, FormatCache, KNOWN_FORMATS, KeyStore, makeReading, cipher: nodeCipher(), plans: new ReadingPlans(undefined, HOST_FRAME_MEMO) }); // picks for as many formats as the memo keeps, as a host ReadingSession does
  const plain = timeLoop(() => {
    for (const it of items) it.dec.decode(it.bytes);
    return items.length;
  }, seconds);
  if (!makeReading) return { plain };
  const full = timeLoop(() => {
    for (const it of items) makeReading(it.dec.decode(it.bytes).telegram, it.opts);
    return items.length;
  }, seconds);
  return { plain, full };
}

/** The inputs of the twin benchmarks; native-bench.c builds the same bytes. */
export function twinInputs(): { data: Uint8Array; framed: Uint8Array; chips: Uint8Array; n3of6: number } {
  const data = new Uint8Array(256);
  for (let i = 0; i < data.length; i++) data[i] = (i * 151 + 7) & 0xff;
  const frame = data.slice(0, 256);
  frame[0] = 255;
  return { data, framed: addFrameACrc(frame), chips: encode3of6(data, 0, 255), n3of6: 255 };
}

export interface NsPerByte {
  crc: number;
  strip: number;
  threeOfSix: number;
}

function nsPerByte(fn: () => void, bytesPerCall: number, seconds: number, rounds = 5): number {
  for (let i = 0; i < 2000; i++) fn();
  let best = Infinity;
  for (let k = 0; k < rounds; k++) {
    let calls = 0;
    const t0 = now();
    let t = t0;
    while (t - t0 < seconds / rounds) {
      for (let i = 0; i < 1000; i++) fn();
      calls += 1000;
      t = now();
    }
    best = Math.min(best, ((t - t0) * 1e9) / (calls * bytesPerCall));
  }
  return best;
}

/** ns/byte of the TS twins in Node: CRC over 256 bytes, frame-A strip of a 290-byte frame, 3-of-6 decode of 255 bytes. */
export function tsTwins(seconds = 0.3): NsPerByte {
  const { data, framed, chips, n3of6 } = twinInputs();
  const out = new Uint8Array(n3of6);
  let sink = 0;
  const crc = nsPerByte(() => {
    sink ^= crc16(data, 0, data.length);
  }, data.length, seconds);
  const strip = nsPerByte(() => {
    const r = stripFrameA(framed);
    sink ^= r ? r.length : 1;
  }, framed.length, seconds);
  const threeOfSix = nsPerByte(() => {
    sink ^= decode3of6Into(chips, 0, chips.length, out, 0, n3of6);
  }, n3of6, seconds);
  if (sink === 0.5) console.log(sink); // keeps the results alive
  return { crc, strip, threeOfSix };
}
