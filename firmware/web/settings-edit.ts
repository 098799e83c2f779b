/**
 * Changes to the gateway settings from the web page and the JSON API. A change is merged into the stored raw
 * settings, the result is validated by the settings module (gateway/config.ts parseConfig, whose messages the
 * page shows as they are) and refused when it adds a problem; only then is it saved (saveConfig) and applied.
 *
 * Write-only secrets: in a change, a key or password that is absent or "" keeps the stored one, `null`
 * removes it; the current value is never sent to the page (publicConfig shows "set"/"none").
 * Pure: works on plain objects; the caller owns the store.
 */
import { parseConfig, problemText, type ConfigProblem, type GatewayConfig } from "../gateway/config.js";
import type { KeyValueStore } from "../platform/services.js";
import { CONFIG_KEY } from "../gateway/config.js";

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface EditResult {
  ok: boolean;
  /** The new raw settings (when ok). */
  raw?: Obj;
  config?: GatewayConfig;
  /** Every problem of the new settings (old ones that were not blocking included), for the status page. */
  configProblems?: ConfigProblem[];
  /** Problems in settings-module wording, "path: message". */
  problems: string[];
}

/** Which parts of the running gateway a change touches. */
export interface ChangedParts {
  meters: boolean;
  uplinks: boolean;
  radio: boolean;
  wifi: boolean;
  identity: boolean;
  /** The wired bus or a meter's wired address / interval: the poller starts again. */
  wired: boolean;
}

/** The stored raw settings (an empty object when none or unreadable). */
export function storedSettings(store: KeyValueStore): Obj {
  const text = store.get(CONFIG_KEY);
  if (text === undefined) return {};
  try {
    const raw = JSON.parse(text);
    return isObj(raw) ? raw : {};
  } catch {
    return {};
  }
}

/** Copies `secret` from `next` into `out` with write-only rules ("" or absent keeps `old`, null removes). */
function secret(out: Obj, name: string, next: unknown, old: unknown): void {
  if (next === null) delete out[name];
  else if (next === undefined || next === "") {
    if (old !== undefined) out[name] = old;
    else delete out[name];
  } else out[name] = next;
}

/** Names a change may use (frozen lists: safe in a preloaded module). */
const TOP: readonly string[] = Object.freeze(["gatewayName", "radioMode", "wifi", "mqtt", "http", "wired"]);
const FIELDS: { readonly [part: string]: readonly string[] } = Object.freeze({
  wifi: Object.freeze(["ssid", "password"]),
  mqtt: Object.freeze(["url", "user", "password", "tls", "topicPrefix"]),
  http: Object.freeze(["url"]),
  meter: Object.freeze(["id", "name", "driver", "key", "wired"]),
  wired: Object.freeze(["uart", "baud"]),
});

function unknownNames(o: Obj, allowed: readonly string[], at: string, problems: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) problems.push(`${at}${k.slice(0, 32)}: unknown setting`);
}

/**
 * Merges a settings change (gatewayName, radioMode, wifi, mqtt, http; `null` for mqtt/http turns that uplink
 * off) into `raw`. Meters are changed with the meter functions below.
 */
export function mergeSettings(raw: Obj, change: unknown): { raw: Obj; problems: string[] } {
  const problems: string[] = [];
  if (!isObj(change)) return { raw, problems: ["(change): expected an object"] };
  unknownNames(change, TOP, "", problems);
  const out: Obj = { ...raw };
  if (change.gatewayName !== undefined) out.gatewayName = change.gatewayName;
  if (change.radioMode !== undefined) out.radioMode = change.radioMode;
  for (const part of ["wifi", "mqtt", "http"] as const) {
    const c = change[part];
    if (c === undefined) continue;
    if (c === null) {
      delete out[part];
      continue;
    }
    if (!isObj(c)) {
      problems.push(`${part}: expected an object or null`);
      continue;
    }
    unknownNames(c, FIELDS[part], part + ".", problems);
    const old = isObj(raw[part]) ? (raw[part] as Obj) : {};
    const next: Obj = { ...old };
    for (const k of Object.keys(c)) if (k !== "password" && FIELDS[part].includes(k)) next[k] = c[k];
    if (part !== "http") secret(next, "password", c.password, old.password);
    if (part === "mqtt" && (next.user === "" || next.user === null)) delete next.user;
    out[part] = next;
  }
  // the wired M-Bus bus (docs/wired.md): replaced as a whole, null removes it; parseConfig checks the values
  if (change.wired === null) delete out.wired;
  else if (change.wired !== undefined) {
    if (!isObj(change.wired)) problems.push("wired: expected an object or null");
    else {
      unknownNames(change.wired, FIELDS.wired, "wired.", problems);
      out.wired = { ...change.wired };
    }
  }
  return { raw: out, problems };
}

function meterList(raw: Obj): Obj[] {
  return Array.isArray(raw.meters) ? (raw.meters as unknown[]).filter(isObj) : [];
}

const sameId = (m: Obj, id: string) => typeof m.id === "string" && m.id.toLowerCase() === id.toLowerCase();

/** Adds a meter {id, name?, driver?, key?, wired?}. */
export function addMeter(raw: Obj, meter: unknown): { raw: Obj; problems: string[] } {
  if (!isObj(meter)) return { raw, problems: ["meter: expected an object"] };
  const problems: string[] = [];
  unknownNames(meter, FIELDS.meter, "meter.", problems);
  const m: Obj = {};
  for (const k of ["id", "name", "driver", "key", "wired"]) if (meter[k] !== undefined && meter[k] !== null && meter[k] !== "") m[k] = meter[k];
  return { raw: { ...raw, meters: [...meterList(raw), m] }, problems };
}

/** Changes a meter's name, driver, key (key: "" or absent keeps it, null removes it) or wired block. */
export function updateMeter(raw: Obj, id: string, change: unknown): { raw: Obj; problems: string[] } {
  if (!isObj(change)) return { raw, problems: ["meter: expected an object"] };
  const problems: string[] = [];
  unknownNames(change, FIELDS.meter, "meter.", problems);
  const list = meterList(raw);
  const i = list.findIndex((m) => sameId(m, id));
  if (i < 0) return { raw, problems: [`meter ${id.slice(0, 16)}: not configured`] };
  const m: Obj = { ...list[i] };
  if (change.name !== undefined) m.name = change.name;
  if (change.driver !== undefined) m.driver = change.driver;
  if (change.wired === null) delete m.wired; // a wired meter's address and interval (docs/wired.md); null: not polled
  else if (change.wired !== undefined) m.wired = change.wired;
  secret(m, "key", change.key, list[i].key);
  const meters = list.slice();
  meters[i] = m;
  return { raw: { ...raw, meters }, problems };
}

export function removeMeter(raw: Obj, id: string): { raw: Obj; problems: string[] } {
  const list = meterList(raw);
  const meters = list.filter((m) => !sameId(m, id));
  return { raw: { ...raw, meters }, problems: meters.length === list.length ? [`meter ${id.slice(0, 16)}: not configured`] : [] };
}

/**
 * Validates merged settings: refused when the merge found problems or parseConfig reports a problem the stored
 * settings did not already have (old problems do not block unrelated edits).
 */
export function validateEdit(oldRaw: Obj, merged: { raw: Obj; problems: string[] }): EditResult {
  if (merged.problems.length > 0) return { ok: false, problems: merged.problems };
  const before = new Set(parseConfig(oldRaw).problems.map(problemText));
  const { config, problems } = parseConfig(merged.raw);
  const added = problems.map(problemText).filter((p) => !before.has(p));
  if (added.length > 0) return { ok: false, problems: added };
  return { ok: true, raw: merged.raw, config, configProblems: problems, problems: [] };
}

/** What differs between two validated configs (compares secrets too, but only to a yes/no). */
export function changedParts(a: GatewayConfig, b: GatewayConfig): ChangedParts {
  const j = (v: unknown) => JSON.stringify(v ?? null);
  return {
    meters: j(a.meters) !== j(b.meters),
    uplinks: j(a.mqtt) !== j(b.mqtt) || j(a.http) !== j(b.http) || a.gatewayId !== b.gatewayId,
    radio: a.radioMode !== b.radioMode,
    wifi: j(a.wifi) !== j(b.wifi),
    identity: a.gatewayName !== b.gatewayName || a.gatewayId !== b.gatewayId,
    wired: j(a.wired) !== j(b.wired) || j(a.meters.map((m) => m.wired)) !== j(b.meters.map((m) => m.wired)),
  };
}
