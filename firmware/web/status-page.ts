/**
 * The gateway's local web page and its JSON twin. Pure: the device serves it with the Moddable `http` Server
 * (firmware/main.ts), the host with node:http (host/web-server.ts); both only call `webRespond`.
 *
 *   GET /             HTML status page (refreshes every 30 s)
 *   GET /status.json  the same data as JSON
 *
 * The data is the status document (uplink/status.ts: Gateway.status with the wiring's parts, the one the MQTT status
 * topic carries; settings with keys and passwords shown only as "set") plus each meter's last reading. It is typed
 * data from our own gateway, read as such; only the counter sections are walked generically.
 * Every value put into the HTML goes through `escapeHtml`: meter names and ids come from the settings file and
 * from the air, so they are untrusted text.
 */
import type { LastReadings } from "./last-readings.js";
import type { MeterStatus, StatusDocument } from "../uplink/status.js";

export interface WebResponse {
  status: number;
  contentType: string;
  body: string;
}


const ESCAPES: Readonly<Record<string, string>> = Object.freeze({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" });

/** Text safe inside HTML element content and inside quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const isObject = (v: unknown): v is { readonly [k: string]: unknown } => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reading fields the meter table leaves out: identity and bookkeeping, shown in their own columns. */
const IDENTITY_FIELDS: readonly string[] = Object.freeze(["_", "media", "meter", "name", "id", "timestamp", "rssi_dbm", "device"]);

/** The page's JSON: the status document with each configured meter's last reading (wmbusmeters-style object, or null). */
export interface WebStatusDocument extends Omit<StatusDocument, "meters"> {
  meters: (MeterStatus & { last_reading: { readonly [field: string]: unknown } | null })[];
}

export function statusDocument(status: StatusDocument, readings: LastReadings): WebStatusDocument {
  const meters = status.meters.map((m) => {
    const r = readings.get(m.id);
    return { ...m, last_reading: r ? r.reading : null };
  });
  return { ...status, meters };
}

function table(headers: readonly string[], rows: readonly unknown[][]): string {
  if (rows.length === 0) return "<p>none</p>";
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c === null || c === undefined ? "–" : c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><tr>${head}</tr>\n${body}</table>`;
}

/** Counters as a two-column table; nested counter objects (decodeErrors) become "name.key" rows. */
function counters(o: unknown): string {
  const rows: unknown[][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else rows.push([prefix, typeof v === "object" ? JSON.stringify(v) : v]);
  };
  walk("", o);
  return table(["counter", "value"], rows);
}

/** A counters section for an optional part (network, raw output, repeater), or nothing when absent. */
function optionalSection(title: string, o: unknown): string {
  return isObject(o) ? `<h2>${escapeHtml(title)}</h2>\n${counters(o)}\n` : "";
}

function readingSummary(r: { readonly [field: string]: unknown } | null): string {
  if (r === null) return "–";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r)) if (!IDENTITY_FIELDS.includes(k) && v !== null && typeof v !== "object") parts.push(`${k}=${v}`);
  return parts.join(", ") || "–";
}

/** The HTML page for a status document (statusDocument). */
export function renderStatusPage(doc: WebStatusDocument): string {
  const title = `wM-Bus gateway ${doc.name || doc.gateway}`;
  const meters = doc.meters.map((m) => {
    const r = m.last_reading;
    return [m.name, m.id, m.driver, m.telegrams, m.last_seen, m.rssi_dbm, r ? r.timestamp : null, readingSummary(r)];
  });
  const unknown = doc.unknown_meters.map((u) => [u.id, u.manufacturer, u.media, u.mode, u.rssi_dbm, u.count, u.last_seen]);
  const problems = doc.config_problems.map((p) => [p]);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>id ${escapeHtml(doc.gateway)} · time ${escapeHtml(doc.time)} · up ${escapeHtml(doc.uptime_s)} s · radio ${escapeHtml(doc.radio_mode)} · <a href="/status.json">JSON</a></p>
<h2>Setting problems</h2>
${table(["problem"], problems)}
<h2>Meters</h2>
${table(["name", "id", "driver", "telegrams", "last seen", "RSSI dBm", "last reading", "values"], meters)}
<h2>Unknown meters heard</h2>
${table(["id", "manufacturer", "media", "mode", "RSSI dBm", "count", "last seen"], unknown)}
<h2>Gateway</h2>
${counters(doc.stats)}
<h2>Radio</h2>
${counters(doc.radio)}
<h2>Uplink</h2>
${counters(doc.uplink)}
${optionalSection("Network", doc.network)}${optionalSection("Raw output", doc.raw)}${optionalSection("Repeater", doc.repeater)}</body></html>
`;
}

/** Answers one request; `document` builds the status document only when a page is asked for. */
export function webRespond(method: string, path: string, document: () => WebStatusDocument): WebResponse {
  const p = path.split("?")[0];
  if (method !== "GET" && method !== "HEAD") return { status: 405, contentType: "text/plain; charset=utf-8", body: "only GET\n" };
  if (p === "/" || p === "/index.html") return { status: 200, contentType: "text/html; charset=utf-8", body: renderStatusPage(document()) };
  if (p === "/status.json") return { status: 200, contentType: "application/json", body: JSON.stringify(document()) };
  return { status: 404, contentType: "text/plain; charset=utf-8", body: "not found\n" };
}
