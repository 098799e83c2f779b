/**
 * The JSON API routes behind the login (firmware/web/web-app.ts checks the session, CSRF and API token first).
 * Settings changes go through settings-edit.ts: merged, validated with the settings module's messages, saved,
 * then applied by the host/device without a reboot (`commit`).
 */
import { publicConfig, type ConfigProblem, type GatewayConfig } from "../gateway/config.js";
import { DRIVERS } from "../meters/drivers/index.js";
import type { Detect } from "../meters/types.js";
import { WebAuth } from "./auth.js";
import { addMeter, mergeSettings, removeMeter, storedSettings, updateMeter, validateEdit } from "./settings-edit.js";
import { json, type Json, type WebApp, type WebResponse } from "./web-app.js";

export interface ApiContext {
  app: WebApp;
  /** Saves and applies validated settings; returns notes ("radio restarted", …). */
  commit(raw: Json, config: GatewayConfig, problems: readonly ConfigProblem[]): string[];
}

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const oneOf = (x: number, v: number | readonly number[] | undefined) => v === undefined || (typeof v === "number" ? v === x : v.includes(x));

/** The driver whose detection entry fits a heard meter best (manufacturer, version, device type), or "auto". */
function guessDriver(manufacturer: string, version: number, deviceType: number): string {
  let best = "auto";
  let score = -1;
  for (const d of DRIVERS) {
    for (const k of d.detect as readonly Detect[]) {
      if (k.manufacturer !== manufacturer || !oneOf(version, k.version) || !oneOf(deviceType, k.deviceType)) continue;
      const s = (k.version !== undefined ? 2 : 0) + (k.deviceType !== undefined ? 1 : 0);
      if (s > score) {
        score = s;
        best = d.name;
      }
    }
  }
  return best;
}

/**
 * The page's document: status counters, meters with their latest values and chart, unknown meters with a driver
 * guess. Sent in pieces (WebResponse.more): the counters and unknown meters first, then one meter per piece, so
 * the device holds one meter's JSON at a time however many meters there are.
 */
function pageDocument(app: WebApp): WebResponse {
  const s = app.o.status();
  const meters = s.meters;
  const configured = new Set(meters.map((m) => m.id));
  const unknown = s.unknown_meters
    .filter((u) => !configured.has(u.id))
    .map((u) => ({ ...u, driver_guess: guessDriver(u.manufacturer, u.version, u.device_type) }));
  const head = JSON.stringify({ ...s, config: undefined, meters: undefined, unknown_meters: unknown, firmware: app.o.firmwareVersion, web: { ...app.stats, ...app.auth.stats, live_pages: app.events.subscribers } });
  let i = 0;
  const r = json(200, null);
  r.body = head.slice(0, -1) + ',"meters":[';
  r.more = () => {
    if (i > meters.length) return undefined;
    if (i === meters.length) return i++, "]}";
    const m = meters[i];
    const id = m.id;
    const last = app.last.get(id);
    return (i++ > 0 ? "," : "") + JSON.stringify({ ...m, values: last ? last.reading : null, chart: app.history.series(id) ?? null });
  };
  return r;
}

function settingsDocument(app: WebApp): Json {
  return {
    settings: publicConfig(app.o.config()),
    auth: app.auth.describe(),
    // the settings' own drivers first (a user driver may replace a registry driver of the same name)
    drivers: ["auto", ...new Set([...(app.o.config().drivers ?? []).map((d) => d.name), ...DRIVERS.map((d) => d.name)])],
    radioModes: ["TC", "S"],
    ota: app.o.ota ? { board: app.o.ota.target.board, chip: app.o.ota.target.chip ?? null, capacity: app.o.ota.partition.capacity } : null,
    firmware: app.o.firmwareVersion,
  };
}

function edit(ctx: ApiContext, change: (raw: Json) => { raw: Json; problems: string[] }): WebResponse {
  const old = storedSettings(ctx.app.o.store);
  const r = validateEdit(old, change(old));
  if (!r.ok) return json(400, { error: "settings refused", problems: r.problems });
  const notes = ctx.commit(r.raw!, r.config!, r.configProblems!);
  return json(200, { ok: true, notes, settings: publicConfig(r.config!) });
}

function onboard(ctx: ApiContext, body: unknown): WebResponse {
  const b = isObj(body) ? body : {};
  const problems: string[] = [];
  const adminBad = WebAuth.passwordProblem(b.adminPassword);
  if (adminBad) problems.push("adminPassword: " + adminBad);
  const old = storedSettings(ctx.app.o.store);
  const wifi: Json = { ssid: b.ssid };
  if (typeof b.wifiPassword === "string" && b.wifiPassword !== "") wifi.password = b.wifiPassword;
  const r = validateEdit(old, mergeSettings(old, { wifi, ...(typeof b.gatewayName === "string" && b.gatewayName ? { gatewayName: b.gatewayName } : {}) }));
  problems.push(...r.problems);
  if (typeof b.ssid !== "string" || b.ssid === "") problems.unshift("wifi.ssid: choose a network");
  if (problems.length > 0) return json(400, { error: "onboarding refused", problems });
  ctx.app.auth.setAdminPassword(b.adminPassword as string);
  const notes = ctx.commit(r.raw!, r.config!, r.configProblems!);
  ctx.app.o.onboarding?.networkConfigured();
  return json(200, { ok: true, notes, next: "the gateway now joins the network; log in on its address with the admin password" });
}

/** HTTP status of each refusal: the request was fine but the meter cannot take it (409), or it is malformed (400). */
const REFUSAL_STATUS: { readonly [code: string]: number } = Object.freeze({ unauthorized: 403, not_configured: 404, no_key: 409, bad_command: 400, queue_full: 429, duplicate: 409 });

/**
 * POST /api/meters/<id>/command: queue a command (the web app has checked the login and CSRF already, so it is
 * authorised); 202 with its id, or the refusal with its reason. GET …/command: the kept outcomes of the meter;
 * GET …/command/<cid>: those of one command and its latest state.
 */
function commandRoute(app: WebApp, method: string, meterId: string, commandId: string | undefined, body: unknown): WebResponse | undefined {
  const c = app.o.commands;
  if (!c) return json(501, { error: "this gateway takes no commands" });
  if (method === "POST" && commandId === undefined) {
    const r = c.submit(meterId, body, true);
    if (!r.ok) return json(REFUSAL_STATUS[r.code] ?? 400, { error: "command refused", code: r.code, detail: r.error });
    return json(202, { ok: true, id: r.id, outcome: `/api/meters/${meterId}/command/${r.id}` });
  }
  if (method !== "GET") return undefined;
  const outcomes = c.outcomes(meterId, commandId).map((o) => ({ id: o.id, kind: o.kind, state: o.state, attempts: o.attempts, detail: o.detail ?? null, at: o.at }));
  if (commandId === undefined) return json(200, { meter: meterId, outcomes });
  if (outcomes.length === 0) return json(404, { error: `no command ${commandId} known for meter ${meterId} (outcomes are kept for the last few commands)` });
  return json(200, { meter: meterId, id: commandId, state: outcomes[outcomes.length - 1].state, outcomes });
}

export function apiRoute(ctx: ApiContext, method: string, path: string, body: unknown): WebResponse | undefined {
  const app = ctx.app;
  if (method === "ONBOARD") return onboard(ctx, body);
  if (path === "/api/status" && method === "GET") return pageDocument(app);
  if (path === "/api/settings") {
    if (method === "GET") return json(200, settingsDocument(app));
    if (method === "POST") return edit(ctx, (raw) => mergeSettings(raw, body));
  }
  if (path === "/api/meters" && method === "POST") return edit(ctx, (raw) => addMeter(raw, body));
  const cm = /^\/api\/meters\/([0-9A-Fa-f]{8})\/command(?:\/([A-Za-z0-9_-]{1,32}))?$/.exec(path);
  if (cm) return commandRoute(app, method, cm[1].toLowerCase(), cm[2], body);
  const m = /^\/api\/meters\/([0-9A-Fa-f]{8})(\/history)?$/.exec(path);
  if (m) {
    const id = m[1].toLowerCase();
    if (m[2]) return method === "GET" ? json(200, app.history.series(id) ?? { field: null, points: [] }) : undefined;
    if (method === "POST") return edit(ctx, (raw) => updateMeter(raw, id, body));
    if (method === "DELETE") return edit(ctx, (raw) => removeMeter(raw, id));
  }
  if (path === "/api/password" && method === "POST") {
    const b = isObj(body) ? body : {};
    const check = app.auth.login(typeof b.current === "string" ? b.current : "");
    if (!check.ok) return json(check.status === 429 ? 429 : 403, { error: check.status === 429 ? check.message : "current password is wrong" });
    app.auth.logout(check.session.token);
    const bad = WebAuth.passwordProblem(b.next);
    if (bad) return json(400, { error: "settings refused", problems: ["adminPassword: " + bad] });
    app.auth.setAdminPassword(b.next as string);
    return json(200, { ok: true, notes: ["admin password changed; every session has ended, log in again"] });
  }
  if (path === "/api/api-token" && method === "POST") {
    const t = isObj(body) ? body.token : undefined;
    if (typeof t !== "string") return json(400, { error: "settings refused", problems: ["apiToken: expected a text (\"\" removes it)"] });
    try {
      app.auth.setApiToken(t);
    } catch (e) {
      return json(400, { error: "settings refused", problems: [e instanceof Error ? e.message : String(e)] });
    }
    return json(200, { ok: true, auth: app.auth.describe() });
  }
  if (path === "/api/onboarding-mode" && method === "POST") {
    if (!app.o.onboarding) return json(501, { error: "this gateway has no access point mode" });
    app.o.onboarding.request();
    return json(200, { ok: true, notes: ["onboarding access point opened; the settings are kept"] });
  }
  return undefined;
}
