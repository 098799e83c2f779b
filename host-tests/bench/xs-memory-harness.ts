/**
 * Per-meter state as a gateway keeps it, built for `n` meters and kept reachable from globalThis so that a
 * heap snapshot (xsnap -w, taken after a full GC) contains exactly the live state. Pure (no Node API):
 * bundled and run under xsnap by xs-memory.ts, which compares the snapshots for 10 and 1 000 meters.
 *
 * Models:
 *   registered      KeyStore.set (16-byte key), ReplayGuard.accept (ACC), formats.learn with the meter address
 *                   as scope (the model's header bytes, shared by all its meters: since the cache keeps a meter's
 *                   format under its M/type, this costs a meter nothing), i.e. what TelegramDecoder keeps per
 *                   configured meter.
 *   keys / replay / formats   one part of "registered" alone (to see where the bytes go).
 *   reading         registered + the last Reading per meter (makeReading needs it as `previous`).
 *   unknown-object  Map "MFCTID" → { lastSeen, rssi, count, deviceType }: a heard but unconfigured meter.
 *   unknown-packed  Map number (M << 32 | binary id) → number (lastSeen s × 256 + rssi + 128): the same facts packed.
 *   unknown-table   the gateway's UnknownMeterTable (firmware/gateway/unknown-meters.ts, 16-byte slots in one
 *                   byte table) when that module exists, else the same 16-byte slot layout written here.
 */
import { fromHex } from "../../firmware/util/hex.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { ReplayGuard } from "../../firmware/security/replay.js";
import { FormatCache } from "../../firmware/application/compact.js";
import { KNOWN_FORMATS } from "../../firmware/application/known-formats.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import type { Telegram } from "../../firmware/telegram.js";

export type MemoryModel = "registered" | "keys" | "replay" | "formats" | "reading" | "unknown-object" | "unknown-packed" | "unknown-table";

/** The gateway's unknown-meter table, as far as this harness uses it (firmware/gateway/unknown-meters.ts). */
export type UnknownTableClass = new (capacity: number) => { heard(frame: Uint8Array, rssiDbm: number, mode: string, nowMs: number): void };

/** Bytes per entry of the gateway table's slot layout: M (2), id (4), version, type, RSSI, mode, count (2), last seen (4). */
const UNKNOWN_SLOT_BYTES = 16;

/** A typical meter's full-frame record headers (Kamstrup Multical 21), shared by all meters of the model. */
const HEADERS = fromHex(KNOWN_FORMATS[0]);

/** Meter i's id: 8 decimal digits, as printed (BCD). */
function meterId(i: number): string {
  return String(20000000 + i * 7);
}

/** Meter i's key: 32 hex digits, different per meter. */
function meterKey(i: number): string {
  let s = "";
  for (let k = 0; k < 4; k++) s += ((i * 2654435761 + k * 40503) >>> 0).toString(16).padStart(8, "0");
  return s;
}

export interface ReadingInput {
  telegram: string;
  key: string | null;
  driver: string | null;
  makeReading: (t: Telegram, opts: { name: string; driver?: string; timestamp: string }) => unknown;
}

export function buildMeters(model: MemoryModel, n: number, reading?: ReadingInput, table?: UnknownTableClass): void {
  const g = globalThis as unknown as { benchState: unknown };
  if (model === "unknown-table") {
    const frame = fromHex("2E442D2C00000020301680");
    if (table) {
      const t = new table(n);
      for (let i = 0; i < n; i++) {
        frame.set(fromHex(meterId(i)).reverse(), 4);
        t.heard(frame, -70 - (i & 15), "T", (1714564800 + i) * 1000);
      }
      g.benchState = t;
      return;
    }
    const slots = new Uint8Array(n * UNKNOWN_SLOT_BYTES);
    for (let i = 0; i < n; i++) {
      const at = i * UNKNOWN_SLOT_BYTES;
      frame.set(fromHex(meterId(i)).reverse(), 4);
      slots.set(frame.subarray(2, 10), at);
      slots[at + 8] = (186 - (i & 15)) & 0xff; // RSSI as int8
      slots[at + 9] = 84; // "T"
      slots[at + 10] = 1;
    }
    g.benchState = slots;
    return;
  }
  if (model === "unknown-object") {
    const heard = new Map<string, { lastSeen: number; rssi: number; count: number; deviceType: number }>();
    for (let i = 0; i < n; i++) heard.set("KAM" + meterId(i), { lastSeen: 1714564800 + i, rssi: -70 - (i & 15), count: 1 + (i & 7), deviceType: 7 });
    g.benchState = heard;
    return;
  }
  if (model === "unknown-packed") {
    const heard = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const id = parseInt(meterId(i), 16); // the 4 BCD id bytes as one 32-bit number
      heard.set(0x2c2d * 0x100000000 + id, (1714564800 + i) * 256 + (58 - (i & 15)));
    }
    g.benchState = heard;
    return;
  }
  const keys = new KeyStore();
  const replay = new ReplayGuard({ maxMeters: Math.max(1000, n) });
  const formats = new FormatCache(4 * n + 16);
  const last = new Map<string, unknown>();
  let t: Telegram | undefined;
  if (model === "reading") {
    if (!reading) throw new Error("the reading model needs a telegram and makeReading");
    const dec = new TelegramDecoder({ formats });
    t = dec.decode(fromHex(reading.telegram), { key: reading.key ?? undefined }).telegram;
  }
  for (let i = 0; i < n; i++) {
    const id = meterId(i);
    const all = model === "registered" || model === "reading";
    if (all || model === "keys") keys.set(id, meterKey(i));
    if (all || model === "replay") replay.accept("KAM" + id, "acc", i & 0xff);
    if (all || model === "formats") formats.learn(HEADERS, { m: 0x2c2d, deviceType: 0x16, id });
    if (t && reading) last.set("KAM" + id, reading.makeReading(t, { name: "meter " + i, driver: reading.driver ?? undefined, timestamp: "2024-05-01T12:00:00Z" }));
  }
  g.benchState = { keys, replay, formats, last };
}
