/**
 * Raw frame output: every received frame whose DLL CRCs verified, as a record for a central decoder
 * (wmbusmeters, the Home Assistant add-on) that uses this gateway as a radio front end. Facts and the
 * wmbusmeters configuration that reads it: docs/raw-output.md.
 *
 * A record carries the frame *after the CRC check*: the DLL CRCs removed and L counting the bytes after it
 * (the format A view of frame A and B alike), which is what wmbusmeters expects from an rtl_wmbus source
 * ("datagram without CRC bytes"; it rewrites an L that disagrees with the length). The bytes are exactly
 * the ones on air (encrypted stays encrypted): the gateway never puts a decrypted payload in a raw record.
 *
 * Two shapes per frame:
 *   - JSON ("hex" record) on MQTT `<prefix>/<gateway>/raw`:
 *     {"gateway","time","mode","format","rssi_dbm","id","telegram_id","hex"};
 *   - the rtl_wmbus line `T1;1;1;2024-05-01 12:00:00.000;-71;-71;12345678;0x2e44…` on
 *     `<prefix>/<gateway>/raw/rtlwmbus` and, one line per frame ending in "\n", to TCP/UDP listeners.
 *
 * Pure: the MQTT publisher and the line sinks are injected (host: host/raw-sinks.ts).
 */
import type { FrameFormat, PhyMode } from "../phy/sync.js";
import { toHex } from "../util/hex.js";

/** Which frames produce raw records: every frame, only configured meters', only unknown meters', or none. */
export type RawFilter = "all" | "configured" | "unknown" | "none";
/** Text shape of a line sink: the rtl_wmbus line, the bare hex, or the JSON record. */
export type RawLineFormat = "rtlwmbus" | "hex" | "json";

export interface RawSinkSettings {
  /** "udp://host:port" or "tcp://host:port" (the listener, e.g. `nc -lku 9011` run by wmbusmeters). */
  url: string;
  format: RawLineFormat;
}

export interface RawSettings {
  /** Global switch (default "all"). A meter's own `raw: true/false` overrides it for that meter. */
  frames: RawFilter;
  /** Publish on MQTT (needs the MQTT uplink; default true). */
  mqtt: boolean;
  /** TCP/UDP listeners (at most RAW_MAX_SINKS). */
  sinks: RawSinkSettings[];
}

export const RAW_MAX_SINKS = 2;

/** One received frame as the gateway hands it over (the stripped bytes are the gateway's, not copied). */
export interface RawFrameInput {
  /** The frame after the CRC check: DLL CRCs removed, L = length − 1. */
  stripped: Uint8Array;
  mode: PhyMode;
  format: FrameFormat;
  rssiDbm: number;
  /** Wall-clock ms (the gateway's Clock). */
  time: number;
  /** DLL id, 8 hex digits as printed. */
  id: string;
  telegramId: string;
}

/** MQTT side: publish once, QoS 0, not retained; false when not connected (the record is counted dropped). */
export interface RawPublisher {
  publishRaw(kind: "json" | "rtlwmbus", payload: string): boolean;
}

/** A TCP/UDP listener: `send` takes one line with its "\n"; false when it cannot take it now (dropped). */
export interface RawLineSink {
  readonly format: RawLineFormat;
  send(line: string): boolean;
  close(): void;
}

export interface RawStats {
  /** Frames that passed the filters and became records. */
  records: number;
  /** Frames the filters left out. */
  filtered: number;
  mqttSent: number;
  mqttDropped: number;
  sinkSent: number;
  sinkDropped: number;
}

/** "T1", "C1", "S1": wmbusmeters reads the link mode from this field. */
function linkModeName(mode: PhyMode): string {
  return mode + "1";
}

function pad(n: number, w: number): string {
  let s = String(n);
  while (s.length < w) s = "0" + s;
  return s;
}

/** "2019-04-03 19:00:42.000" in UTC (wmbusmeters parses it with %Y-%m-%d %H:%M:%S as UTC). */
function rtlTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Lower-case hex, as rtl_wmbus prints it. */
function rawHex(f: Uint8Array): string {
  return toHex(f).toLowerCase();
}

/**
 * The rtl_wmbus line (without "\n"): MODE;CRC_OK;3OUTOF6_OK;TIME;PACKET_RSSI;CURRENT_RSSI;ID;0xHEX.
 * Only intact frames get here, so both OK flags are 1 (wmbusmeters drops lines that are not `?1;1`).
 * RSSI is whole dBm in both RSSI fields (wmbusmeters takes the first, at most 4 characters).
 */
export function rtlWmbusLine(r: RawFrameInput): string {
  const rssi = String(Math.max(-999, Math.min(999, Math.round(r.rssiDbm))));
  return `${linkModeName(r.mode)};1;1;${rtlTime(r.time)};${rssi};${rssi};${r.id};0x${rawHex(r.stripped)}`;
}

/** The JSON record ("hex" record): metadata plus the hex of the frame after the CRC check. */
export function rawJson(r: RawFrameInput, gatewayId: string): string {
  return JSON.stringify({
    gateway: gatewayId,
    time: new Date(r.time).toISOString(),
    mode: linkModeName(r.mode),
    format: r.format,
    rssi_dbm: Math.round(r.rssiDbm),
    id: r.id,
    telegram_id: r.telegramId,
    hex: rawHex(r.stripped),
  });
}

/** Whether a frame makes a record: the meter's own switch first (undefined meter = not configured). */
function rawWanted(filter: RawFilter, meter: { raw?: boolean } | undefined): boolean {
  if (meter && meter.raw !== undefined) return meter.raw;
  if (filter === "all") return true;
  if (filter === "configured") return meter !== undefined;
  if (filter === "unknown") return meter === undefined;
  return false;
}

export interface RawOutputOptions {
  settings: RawSettings;
  gatewayId: string;
  mqtt?: RawPublisher;
  sinks?: RawLineSink[];
}

export class RawOutput {
  readonly #o: RawOutputOptions;
  readonly #stats: RawStats = { records: 0, filtered: 0, mqttSent: 0, mqttDropped: 0, sinkSent: 0, sinkDropped: 0 };

  constructor(o: RawOutputOptions) {
    this.#o = o;
  }

  /** Offers one frame; returns true when it became a record. Never throws. */
  offer(r: RawFrameInput, meter: { raw?: boolean } | undefined): boolean {
    const s = this.#stats;
    if (!rawWanted(this.#o.settings.frames, meter)) {
      s.filtered++;
      return false;
    }
    s.records++;
    let json: string | undefined;
    let line: string | undefined;
    const mqtt = this.#o.settings.mqtt ? this.#o.mqtt : undefined;
    if (mqtt) {
      json = rawJson(r, this.#o.gatewayId);
      line = rtlWmbusLine(r);
      this.#count(safe(() => mqtt.publishRaw("json", json!)), "mqtt");
      this.#count(safe(() => mqtt.publishRaw("rtlwmbus", line!)), "mqtt");
    }
    for (const sink of this.#o.sinks ?? []) {
      let text: string;
      if (sink.format === "rtlwmbus") text = line ??= rtlWmbusLine(r);
      else if (sink.format === "json") text = json ??= rawJson(r, this.#o.gatewayId);
      else text = rawHex(r.stripped);
      this.#count(safe(() => sink.send(text + "\n")), "sink");
    }
    return true;
  }

  stats(): RawStats {
    return { ...this.#stats };
  }

  close(): void {
    for (const sink of this.#o.sinks ?? []) safe(() => (sink.close(), true));
  }

  #count(ok: boolean, where: "mqtt" | "sink"): void {
    const s = this.#stats;
    if (where === "mqtt") ok ? s.mqttSent++ : s.mqttDropped++;
    else ok ? s.sinkSent++ : s.sinkDropped++;
  }
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
