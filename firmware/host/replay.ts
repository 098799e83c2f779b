/**
 * Replays of prepared work through the core, one code for Node and for the real-SDK host build
 * (firmware/host/main.ts, platform x-cli-lin in manifest.json), so their outputs can be compared line by
 * line (host-tests/sdk/sdk-host.ts, docs/moddable-build.md §7). Pure: the cipher, the output and the memory
 * probe are injected. Every emitted line is a fresh object turned into JSON; nothing module-level is mutated.
 */
import { fromHex } from "../util/hex.js";
import { resultJson, stringify } from "../decoder/json.js";
import { TelegramDecoder } from "../decoder/decoder.js";
import { ReadingSession } from "../meters/session.js";
import { Gateway } from "../gateway/gateway.js";
import { parseConfig } from "../gateway/config.js";
import type { BlockCipher } from "../security/block-cipher.js";
import { KeyStore } from "../security/key-store.js";
import type { OutgoingReading, UplinkHub } from "../uplink/uplink.js";
import type { MemoSizes } from "../application/format-cache.js";

/** The timestamp every replayed reading carries (so runs on different days compare equal). */
export const REPLAY_TIMESTAMP = "1111-11-11T11:11:11Z";

/** One corpus record as a reading request (built by host-tests/bench/readings-table.ts readingJobs). */
export interface ReadingJob {
  index: number;
  telegram: string;
  prelude: string[];
  key?: string;
  /** The meter id the record's key is configured for. */
  meterId?: string;
  name: string;
  driver?: string;
  device?: string;
  rssi_dbm?: number;
  conversions?: string[];
  extra?: { [field: string]: string };
  fieldOrigin?: boolean;
  calculate?: { [field: string]: string };
  /** False: the record only feeds the session (a format-learning frame); no reading is expected. */
  read: boolean;
}

/**
 * Runs one job through the session and hands back the decode result JSON and the reading, or undefined for
 * a feed-only job. A record's key configures its meter, as a gateway's meter list does: later telegrams of
 * that meter without a key of their own use it.
 */
export function runReadingJob(session: ReadingSession, keys: KeyStore, j: ReadingJob): { result: object; reading: object } | undefined {
  if (j.key !== undefined && j.meterId !== undefined) keys.set(j.meterId, j.key);
  for (const p of j.prelude) session.feed(fromHex(p), j.key);
  if (!j.read) {
    session.feed(fromHex(j.telegram), j.key);
    return undefined;
  }
  const { result, reading } = session.read(fromHex(j.telegram), {
    name: j.name, driver: j.driver, key: j.key, timestamp: REPLAY_TIMESTAMP, device: j.device, rssi_dbm: j.rssi_dbm,
    conversions: j.conversions, extra: j.extra, fieldOrigin: j.fieldOrigin, calculate: j.calculate,
  });
  return { result: resultJson(result), reading };
}

/** Every job of a corpus replay: one line `{"index", "result", "reading"}` per read job. */
export function replayReadings(jobs: readonly ReadingJob[], cipher: BlockCipher, emit: (line: string) => void): number {
  const keys = new KeyStore(); // the session's one key provider: records' keys configure their meters
  const session = new ReadingSession(new TelegramDecoder({ cipher, keys }));
  let n = 0;
  for (const j of jobs) {
    const out = runReadingJob(session, keys, j);
    if (out === undefined) continue;
    emit(stringify({ index: j.index, result: out.result, reading: out.reading }));
    n++;
  }
  return n;
}

/** A recorded stretch of air for the gateway: the settings document and the frames with their times. */
export interface GatewayReplay {
  settings: unknown;
  startMs: number;
  frames: { hex: string; mode: "T" | "C" | "S"; format: "A" | "B"; rssi: number; at: number }[];
  /** The decoder's memo sizes (absent: the Gateway's default, the device's), to measure what they hold. */
  memo?: MemoSizes;
}

/** What the host can say about its engine's memory (slots and chunk bytes in use, after a collection). */
export interface MemorySample {
  slots: number;
  chunks: number;
}

/**
 * Runs the frames through one Gateway with an uplink hub that only counts, emitting a line per frame
 * (verdict and reading), the final status, and `{"memory": …}` lines after start-up and after every
 * `memoryEvery` frames when a memory probe is given (to see whether the heap levels off). Returns the
 * number of readings.
 */
export function replayGateway(replay: GatewayReplay, cipher: BlockCipher, emit: (line: string) => void, memory?: () => MemorySample, memoryEvery = 250): number {
  let now = replay.startMs;
  let count = 0;
  const readings: OutgoingReading[] = [];
  const hub: UplinkHub = {
    submit: (r: OutgoingReading) => { readings.push(r); },
    gatewayStatus: () => {},
    stats: () => ({}),
    close: () => {},
  } as unknown as UplinkHub;
  // the parsed input itself (2 000 frames as hex strings) is live all along: measured first, to subtract
  if (memory) emit(stringify({ memory: "input", frames: replay.frames.length, ...memory() }));
  const { config, problems } = parseConfig(replay.settings);
  const gw = new Gateway({ config, configProblems: problems, clock: { now: () => now }, cipher, hub, memo: replay.memo });
  if (memory) emit(stringify({ memory: "start", meters: config.meters.length, ...memory() }));
  let handled = 0;
  for (const f of replay.frames) {
    if (f.at > now) now = f.at;
    const verdict = gw.handleFrame({ bytes: fromHex(f.hex), mode: f.mode, format: f.format, rssiDbm: f.rssi, receivedAt: f.at });
    emit(stringify({ verdict, reading: readings.length > 0 ? readings[0] : null }));
    count += readings.length;
    readings.length = 0;
    if (memory && ++handled % memoryEvery === 0) emit(stringify({ memory: "after", frames: handled, ...memory() }));
  }
  emit(stringify({ status: gw.status() }));
  return count;
}
