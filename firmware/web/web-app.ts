/**
 * The gateway's web interface as one pure request handler, `WebApp.handle(request) → response`, served by the
 * device's Moddable HTTP server (firmware/web/web-device.ts) and on the host by node:http
 * (host/web-server.ts). Routes (docs/web.md has the full table):
 *
 *   GET  / /app.js /app.css           the page and its two assets (public; the page asks /api/session)
 *   GET  /api/session                 {authenticated, onboarding, csrf?} (public)
 *   POST /api/login /api/logout       password → session cookie (HttpOnly, SameSite=Strict) + CSRF token
 *   GET|POST /api/onboarding          Wi-Fi scan list / first settings (only while onboarding is open)
 *   GET  /api/status /api/settings /api/meters/<id>/history /api/events (SSE)
 *   POST /api/settings /api/meters /api/meters/<id>  DELETE /api/meters/<id>
 *   POST /api/meters/<id>/command     a command for the meter (docs/bidirectional.md); GET …/command[/<cid>] outcomes
 *   POST /api/password /api/api-token /api/onboarding-mode /api/ota
 *
 * Everything under /api but session, login and onboarding needs a session cookie or `Authorization: Bearer
 * <API token>`; a state-changing request with the cookie also needs `X-CSRF-Token` (scripts with the token do
 * not: a browser never sends it on its own). Keys and passwords are write-only.
 */
import type { ConfigProblem, GatewayConfig } from "../gateway/config.js";
import type { CommandOutcome, SubmitResult } from "../gateway/commands.js";
import { publicConfig } from "../gateway/config.js";
import { saveConfig } from "../gateway/config.js";
import type { KeyValueStore } from "../platform/services.js";
import type { OutgoingReading } from "../uplink/uplink.js";
import { ASSETS } from "./assets.js";
import { clearedCookie, cookieValue, SESSION_COOKIE, sessionCookie, WebAuth, type Session } from "./auth.js";
import { EventLog } from "./events.js";
import { ReadingHistory } from "./history.js";
import { OtaUpload, type OtaTarget, type PartitionService } from "./ota.js";
import { apiRoute, type ApiContext } from "./web-api.js";
import { randomToken, sameText, type HashService } from "./web-crypto.js";
import { changedParts, type ChangedParts } from "./settings-edit.js";
import type { StatusDocument } from "../uplink/status.js";
import { deepFreeze } from "../util/freeze.js";

export type Json = { [k: string]: unknown };

export interface WebRequest {
  method: string;
  /** Path with optional query. */
  path: string;
  /** Lower-case header names. */
  headers: { readonly [name: string]: string | undefined };
  /** Request body text (JSON routes); uploads use beginUpload instead. */
  body?: string;
}

export interface WebResponse {
  status: number;
  headers: [string, string][];
  body: string;
  /** Server-Sent Events: send `body` (the opening), then keep the connection for app.events if the server can. */
  events?: boolean;
  /**
   * A body too large to build at once (the status document of many meters): `body` first, then each text
   * `more()` returns until undefined. The device sends these as chunks, so a request holds one piece at a time.
   */
  more?: () => string | undefined;
}

/** The whole body of a response (tests, small bodies). */
export function fullBody(r: WebResponse): string {
  let s = r.body;
  for (let part = r.more?.(); part !== undefined; part = r.more!()) s += part;
  return s;
}

export interface WifiNetwork {
  ssid: string;
  rssi: number;
}

export interface WebAppOptions {
  hash: HashService;
  store: KeyValueStore;
  /** Monotonic milliseconds (sessions, throttling). */
  now: () => number;
  /** The status document (Gateway.status with the wiring's parts: the one the status topic carries). */
  status: () => StatusDocument;
  /** The config running now. */
  config: () => GatewayConfig;
  /** Applies validated, saved settings without a reboot where possible; returns notes for the page. */
  apply: (config: GatewayConfig, changed: ChangedParts, problems: readonly ConfigProblem[]) => string[];
  firmwareVersion: string;
  /** Onboarding: open when there is no admin password, or when `requested()` (settings flag, long press). */
  onboarding?: { requested(): boolean; request(): void; networkConfigured(): void; networks(): WifiNetwork[] };
  ota?: { partition: PartitionService; target: OtaTarget; completed?: (version: string) => void };
  /** Commands to meters (firmware/gateway/command-service.ts); absent: the command routes answer 501. */
  commands?: WebCommands;
  /** PBKDF2 iterations (tests use fewer). */
  iterations?: number;
  history?: ReadingHistory;
  events?: EventLog;
}

/** The command path as the web API uses it (CommandService). */
export interface WebCommands {
  submit(meterId: string, json: unknown, authorized: boolean): SubmitResult;
  outcomes(meterId: string, id?: string): CommandOutcome[];
}

const JSON_TYPE = "application/json";
const MAX_BODY = 16 * 1024;

export function json(status: number, data: unknown, extra: [string, string][] = []): WebResponse {
  return { status, headers: [["content-type", JSON_TYPE], ["cache-control", "no-store"], ...extra], body: JSON.stringify(data) };
}

function text(status: number, body: string, type = "text/plain; charset=utf-8"): WebResponse {
  return { status, headers: [["content-type", type], ["cache-control", "no-store"]], body };
}

/** Security headers on every page and asset: no framing, no sniffing, scripts only from the gateway. */
const PAGE_HEADERS: readonly [string, string][] = deepFreeze<readonly [string, string][]>([
  ["x-frame-options", "DENY"],
  ["x-content-type-options", "nosniff"],
  ["content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"],
  ["referrer-policy", "no-referrer"],
]);

/** Text sent in pieces of at most PIECE characters (a surrogate pair is never split). */
const PIECE = 4096;

function pieces(r: WebResponse, text: string): WebResponse {
  let at = 0;
  const next = (): string | undefined => {
    if (at >= text.length) return undefined;
    let end = Math.min(text.length, at + PIECE);
    const c = text.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff && end < text.length) end--;
    const part = text.slice(at, end);
    at = end;
    return part;
  };
  r.body = next() ?? "";
  r.more = next;
  return r;
}

export class WebApp {
  readonly auth: WebAuth;
  readonly events: EventLog;
  readonly history: ReadingHistory;
  readonly last = new Map<string, OutgoingReading>();
  readonly o: WebAppOptions;
  /** The nonce the onboarding form sends back (no session exists yet). */
  #onboardingNonce = "";
  readonly stats = { requests: 0, refused: 0, uploads: 0 };

  constructor(o: WebAppOptions) {
    this.o = o;
    this.auth = new WebAuth({ hash: o.hash, store: o.store, now: o.now, iterations: o.iterations });
    this.events = o.events ?? new EventLog();
    this.history = o.history ?? new ReadingHistory();
  }

  get onboardingOpen(): boolean {
    return !this.auth.hasAdminPassword || (this.o.onboarding?.requested() ?? false);
  }

  /** Every reading of a configured meter (tap the gateway's hub with this). */
  onReading(r: OutgoingReading): void {
    this.last.delete(r.meterId);
    this.last.set(r.meterId, r);
    if (this.last.size > 128) this.last.delete(this.last.keys().next().value as string);
    this.history.remember(r);
    this.events.publish("reading", { id: r.meterId, name: r.meterName, driver: r.driver, reading: r.reading });
  }

  /** Pushes the counters to live pages (call every few seconds). */
  publishStatus(): void {
    if (this.events.subscribers > 0) this.events.publish("status", this.statusSummary());
  }

  statusSummary(): Pick<StatusDocument, "time" | "uptime_s" | "stats" | "radio" | "uplink" | "device"> {
    const s = this.o.status();
    return { time: s.time, uptime_s: s.uptime_s, stats: s.stats, radio: s.radio, uplink: s.uplink, device: s.device };
  }

  /** The authenticated session (or "token" for the API token), or undefined. */
  #who(req: WebRequest): Session | "token" | undefined {
    const a = req.headers["authorization"];
    if (a !== undefined && a.startsWith("Bearer ")) return this.auth.apiTokenMatches(a.slice(7).trim()) ? "token" : undefined;
    return this.auth.session(cookieValue(req.headers["cookie"], SESSION_COOKIE));
  }

  handle(req: WebRequest): WebResponse {
    this.stats.requests++;
    const r = this.#route(req);
    if (r.status >= 400) this.stats.refused++;
    return r;
  }

  #route(req: WebRequest): WebResponse {
    const method = req.method.toUpperCase();
    const q = req.path.indexOf("?");
    const path = q < 0 ? req.path : req.path.slice(0, q);
    if (!path.startsWith("/api/")) {
      if (method !== "GET" && method !== "HEAD") return text(405, "method not allowed\n");
      const asset = ASSETS[path === "/" || path === "/index.html" ? "/" : path];
      if (!asset) return text(404, "not found\n");
      return pieces({ status: 200, headers: [["content-type", asset.type], ["cache-control", "no-cache"], ...PAGE_HEADERS], body: "" }, asset.body);
    }
    if ((req.body?.length ?? 0) > MAX_BODY) return json(413, { error: `request body over ${MAX_BODY} bytes` });
    let body: unknown;
    if (method !== "GET" && method !== "HEAD" && method !== "DELETE") {
      if (!(req.headers["content-type"] ?? "").startsWith(JSON_TYPE)) return json(415, { error: "expected application/json" });
      try {
        body = JSON.parse(req.body ?? "");
      } catch {
        return json(400, { error: "body is not JSON" });
      }
    }
    if (path === "/api/session" && method === "GET") {
      const who = this.#who(req);
      return json(200, {
        authenticated: who !== undefined,
        onboarding: this.onboardingOpen,
        csrf: typeof who === "object" ? who.csrf : undefined,
        name: this.o.config().gatewayName,
        firmware: this.o.firmwareVersion,
      });
    }
    if (path === "/api/login" && method === "POST") {
      if (!this.auth.hasAdminPassword) return json(409, { error: "no admin password yet: finish onboarding first" });
      const pw = (body as Json | null)?.password;
      const r = this.auth.login(typeof pw === "string" ? pw : "");
      if (!r.ok) return json(r.status, { error: r.message }, r.retryAfterS ? [["retry-after", String(r.retryAfterS)]] : []);
      return json(200, { csrf: r.session.csrf }, [["set-cookie", sessionCookie(r.session.token)]]);
    }
    if (path === "/api/onboarding") return this.#onboarding(method, req, body);
    const who = this.#who(req);
    if (!who) return json(401, { error: "log in first (or send Authorization: Bearer <API token>)" });
    if (method !== "GET" && method !== "HEAD" && who !== "token" && !sameText(req.headers["x-csrf-token"] ?? "", who.csrf)) {
      return json(403, { error: "missing or wrong X-CSRF-Token" });
    }
    if (path === "/api/logout" && method === "POST") {
      this.auth.logout(typeof who === "object" ? who.token : undefined);
      return json(200, { ok: true }, [["set-cookie", clearedCookie()]]);
    }
    if (path === "/api/events" && method === "GET") {
      return { status: 200, headers: [["content-type", "text/event-stream"], ["cache-control", "no-store"]], body: this.events.opening(req.headers["last-event-id"]), events: true };
    }
    return apiRoute(this.#context(), method, path, body) ?? json(404, { error: "no such API route" });
  }

  #context(): ApiContext {
    return { app: this, commit: (raw, config, problems) => this.#commit(raw, config, problems) };
  }

  /** Saves validated raw settings and applies them without a reboot; the notes say what took effect. */
  #commit(raw: Json, config: GatewayConfig, problems: readonly ConfigProblem[]): string[] {
    const changed = changedParts(this.o.config(), config);
    saveConfig(this.o.store, raw);
    for (const m of this.history.meterIds()) if (!config.meters.some((c) => c.id === m)) this.history.forget(m);
    return this.o.apply(config, changed, problems);
  }

  #onboarding(method: string, req: WebRequest, body: unknown): WebResponse {
    if (!this.onboardingOpen) return json(403, { error: "onboarding is closed; log in and use the settings page" });
    if (method === "GET") {
      this.#onboardingNonce = randomToken(this.o.hash, 16);
      return json(200, { networks: this.o.onboarding?.networks() ?? [], nonce: this.#onboardingNonce, wifi: publicConfig(this.o.config()).wifi ?? null });
    }
    if (method !== "POST") return json(405, { error: "GET or POST" });
    if (this.#onboardingNonce === "" || !sameText(req.headers["x-csrf-token"] ?? "", this.#onboardingNonce)) return json(403, { error: "missing or wrong X-CSRF-Token (reload the page)" });
    return apiRoute(this.#context(), "ONBOARD", "/api/onboarding", body) ?? json(500, { error: "onboarding route missing" });
  }

  /** Starts a firmware upload (POST /api/ota): an OtaUpload to feed, or a refusal. */
  beginUpload(req: WebRequest): OtaUpload | WebResponse {
    const who = this.#who(req);
    if (!who) return json(401, { error: "log in first" });
    if (who !== "token" && !sameText(req.headers["x-csrf-token"] ?? "", who.csrf)) return json(403, { error: "missing or wrong X-CSRF-Token" });
    if (!this.o.ota) return json(501, { error: "this gateway has no update slot" });
    this.stats.uploads++;
    return new OtaUpload(this.o.ota.partition, this.o.ota.target, this.o.hash);
  }

  /** Ends an upload started by beginUpload. */
  endUpload(u: OtaUpload): WebResponse {
    const r = u.end();
    if (!r.ok) return json(422, { error: r.message });
    this.o.ota?.completed?.(r.version);
    return json(200, { ok: true, version: r.version, bytes: r.bytes, note: "restart the gateway to run the new firmware; settings are kept" });
  }

  /** True for the request that must go to beginUpload instead of handle (its body is streamed). */
  static isUpload(method: string, path: string): boolean {
    return method.toUpperCase() === "POST" && path.split("?")[0] === "/api/ota";
  }
}
