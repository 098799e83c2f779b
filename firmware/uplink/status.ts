/**
 * The status document: what the gateway reports about itself, one type for the MQTT status topic and the web
 * page (issue 13). The gateway fills it (Gateway.status); the wiring (firmware/main.ts, host/web-sim-device.ts)
 * adds the counters of the parts around it (StatusParts) through one function, so the topic and the page carry
 * the same document. It lives here, beside OutgoingReading, because the uplink is the lowest layer that carries
 * it; the web reads it as typed data and never re-validates it.
 *
 * It holds no secret: settings appear as publicConfig() shows them (keys and passwords as "set"/"none", URLs
 * without credentials). Types only.
 */
import type { PhyMode } from "../vocabulary.js";
import type { NetworkStatus } from "../platform/network.js";
import type { UplinkStats } from "./uplink.js";
import type { RawStats } from "./raw.js";

/** The gateway pipeline's counters (Gateway.stats). */
export interface GatewayStats {
  /** Frames handed to the gateway. */
  frames: number;
  /** Frames that carried a set H/R bit (heard via a repeater), duplicates included. */
  repeated: number;
  /** Copies of a telegram already handled within the dedup window. */
  duplicates: number;
  /** Frames whose DLL CRCs did not verify or that were too short (radios normally filter these). */
  badFrames: number;
  /** Telegrams of configured meters that decoded. */
  decoded: number;
  /** Readings handed to the uplink hub. */
  readings: number;
  /** Decode failures by WmbusError code (no_key, wrong_key, mac_mismatch, replayed, …) and refusals (UNENCRYPTED). */
  decodeErrors: { [code: string]: number };
  /** Telegrams of configured meters that needed a key the config does not have. */
  noKey: number;
  /** Frames from meters that are not configured. */
  unknownFrames: number;
  /** Distinct unknown meters in the table now. */
  unknownMeters: number;
  /** Telegram ids the dedup table had to forget inside their window (table too small: possible duplicates). */
  dedupEvicted: number;
}

/** The supervisor's counters (gateway/supervisor.ts). */
export interface SupervisorStats {
  wifiConnected: boolean;
  wifiAttempts: number;
  wifiDrops: number;
  clockSet: boolean;
  radioRestarts: number;
}

/** A configured meter: its settings' name and driver, and its last contact. */
export interface MeterStatus {
  id: string;
  name: string;
  driver: string;
  telegrams: number;
  /** ISO time to the second, or null before the first telegram. */
  last_seen: string | null;
  rssi_dbm: number | null;
}

/** A meter heard on the air that is not configured. */
export interface UnknownMeterStatus {
  id: string;
  manufacturer: string;
  version: number;
  device_type: number;
  media: string;
  rssi_dbm: number;
  mode: PhyMode;
  count: number;
  last_seen: string;
}

/** Counters of a part the document only shows: name → number, flag, text, or a nested section. */
export type CounterSection = { readonly [name: string]: number | string | boolean | null | undefined | CounterSection };

/** The device part: the supervisor's counters and what the wiring knows of Wi-Fi and memory. */
export interface DeviceStatus extends Partial<SupervisorStats> {
  /** Wi-Fi role: station, access point (onboarding) or off (web/wifi-mode.ts). */
  wifi?: string;
  access_point?: boolean;
  /** Bytes of heap in use (host only). */
  heap?: number;
}

/** The settings as publicConfig() shows them: no key, password or URL credential. */
export type PublicSettings = { readonly [name: string]: unknown };

/** What the wiring adds around the gateway's own part: the same for the topic and the page. */
/** One polled wired meter (wired/poller.ts MeterPollStats has this shape). */
export interface WiredMeterStatus {
  meterId: string;
  address: string;
  polls: number;
  ok: number;
  failed: number;
  telegrams: number;
  lastError?: string;
  lastOkAt?: number;
}

/** The wired master's line counters (wired/master.ts MasterStats has this shape). */
export interface WiredLineStatus {
  requests: number;
  retries: number;
  timeouts: number;
  garbage: number;
  frames: number;
}

export interface WiredStatus {
  meters: readonly WiredMeterStatus[];
  line?: WiredLineStatus;
}

export interface StatusParts {
  /** Driver, decode queue and native task counters. */
  radio?: CounterSection;
  /** The uplink hub's counters (all sinks together). */
  uplink?: UplinkStats;
  device?: DeviceStatus;
  network?: NetworkStatus;
  repeater?: CounterSection;
  /** The wired M-Bus poller (wired/wired-service.ts), when a wired segment runs: per meter and line counters. */
  wired?: WiredStatus;
}

export interface StatusDocument extends StatusParts {
  /** Gateway id and display name (settings). */
  gateway: string;
  name: string;
  /** ISO time to the second. */
  time: string;
  uptime_s: number;
  radio_mode: string;
  stats: GatewayStats;
  /** Setting problems as text (gateway/setting-text.ts: no secret quoted). */
  config_problems: string[];
  config: PublicSettings;
  meters: MeterStatus[];
  /** Most recent first, at most the count Gateway.status was asked for. */
  unknown_meters: UnknownMeterStatus[];
  /** Raw frame output counters, when raw output is configured. */
  raw?: RawStats;
}
