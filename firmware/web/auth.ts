/**
 * Web login: the admin password (stored only as a salted PBKDF2-HMAC-SHA-256 hash), sessions (random token in
 * an HttpOnly SameSite=Strict cookie, each with its own CSRF token), login throttling after failures, and an
 * optional API token for scripts (also stored only as a salted hash). Pure: the hash service, the store and a
 * monotonic clock are injected. No secret is ever logged or returned: `describe()` says only "set"/"none".
 *
 * Throttling: after FREE_FAILURES wrong passwords in a row every further attempt must wait, 1 s doubling per
 * failure up to 5 min; attempts during the wait are refused without checking the password (the answer says how
 * long to wait). A right password resets the count. The device has one admin, so the count is global: an
 * attacker on the LAN can slow the admin down but cannot guess faster than the schedule allows.
 */
import type { KeyValueStore } from "../platform/services.js";
import { bytesToHex, pbkdf2Sha256, randomToken, sameText, utf8, type HashService } from "./web-crypto.js";

export const AUTH_KEY = "web.auth";
export const SESSION_COOKIE = "wmbus_session";
const MIN_PASSWORD = 8;
const MIN_API_TOKEN = 16;
const FREE_FAILURES = 3;
const MAX_WAIT_MS = 5 * 60_000;

interface SaltedHash {
  salt: string;
  iterations: number;
  hash: string;
}

interface AuthRecord {
  v: 1;
  admin?: SaltedHash;
  api?: SaltedHash;
}

export interface Session {
  token: string;
  csrf: string;
  created: number;
  lastUsed: number;
}

export interface AuthOptions {
  hash: HashService;
  store: KeyValueStore;
  /** Monotonic milliseconds. */
  now: () => number;
  /** PBKDF2 iterations for new hashes (default 2000: well under a second on an ESP32 with the native digest). */
  iterations?: number;
  maxSessions?: number;
  /** A session unused this long ends (default 30 min). */
  idleMs?: number;
  /** A session ends this long after login in any case (default 12 h). */
  maxAgeMs?: number;
}

export type LoginResult = { ok: true; session: Session } | { ok: false; status: 401 | 429; message: string; retryAfterS?: number };

export class WebAuth {
  readonly #o: Required<Omit<AuthOptions, "hash" | "store" | "now">> & AuthOptions;
  readonly #sessions = new Map<string, Session>();
  #record: AuthRecord;
  #failures = 0;
  #waitUntil = 0;
  /** Counters for the status page. */
  readonly stats = { logins: 0, failures: 0, throttled: 0 };

  constructor(o: AuthOptions) {
    this.#o = { iterations: 2000, maxSessions: 8, idleMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, ...o };
    this.#record = this.#load();
  }

  #load(): AuthRecord {
    const text = this.#o.store.get(AUTH_KEY);
    if (text === undefined) return { v: 1 };
    try {
      const r = JSON.parse(text) as AuthRecord;
      if (r && r.v === 1) return r;
    } catch {
      // unreadable: treated as "no admin password", which reopens onboarding (settings stay)
    }
    return { v: 1 };
  }

  #salted(secret: string): SaltedHash {
    const salt = this.#o.hash.random(16);
    const iterations = this.#o.iterations;
    return { salt: bytesToHex(salt), iterations, hash: bytesToHex(pbkdf2Sha256(this.#o.hash, utf8(secret), salt, iterations)) };
  }

  #matches(h: SaltedHash | undefined, secret: string): boolean {
    if (!h) return false;
    const salt = new Uint8Array(h.salt.length / 2);
    for (let i = 0; i < salt.length; i++) salt[i] = parseInt(h.salt.slice(2 * i, 2 * i + 2), 16);
    return sameText(bytesToHex(pbkdf2Sha256(this.#o.hash, utf8(secret), salt, h.iterations)), h.hash);
  }

  #save(): void {
    this.#o.store.set(AUTH_KEY, JSON.stringify(this.#record));
  }

  get hasAdminPassword(): boolean {
    return this.#record.admin !== undefined;
  }

  /** A problem text for an unusable new password, else undefined (the text never quotes the password). */
  static passwordProblem(pw: unknown): string | undefined {
    if (typeof pw !== "string") return "expected a text";
    if (pw.length < MIN_PASSWORD) return `expected at least ${MIN_PASSWORD} characters, got ${pw.length}`;
    if (pw.length > 128) return `expected at most 128 characters, got ${pw.length}`;
    return undefined;
  }

  /** Sets the admin password (ends every session). Throws with passwordProblem's text. */
  setAdminPassword(pw: string): void {
    const bad = WebAuth.passwordProblem(pw);
    if (bad) throw new Error("admin password: " + bad);
    this.#record.admin = this.#salted(pw);
    this.#save();
    this.#sessions.clear();
  }

  /** Sets (or with "" removes) the API token scripts send as `Authorization: Bearer …`. */
  setApiToken(token: string): void {
    if (token === "") delete this.#record.api;
    else {
      if (token.length < MIN_API_TOKEN || token.length > 128) throw new Error(`api token: expected ${MIN_API_TOKEN}..128 characters, got ${token.length}`);
      this.#record.api = this.#salted(token);
    }
    this.#save();
  }

  /** Forgets the admin password and the API token (back to onboarding); the gateway settings stay. */
  reset(): void {
    this.#record = { v: 1 };
    this.#save();
    this.#sessions.clear();
  }

  login(password: string): LoginResult {
    const now = this.#o.now();
    if (now < this.#waitUntil) {
      this.stats.throttled++;
      const retryAfterS = Math.ceil((this.#waitUntil - now) / 1000);
      return { ok: false, status: 429, message: `too many wrong passwords; try again in ${retryAfterS} s`, retryAfterS };
    }
    if (typeof password !== "string" || !this.#matches(this.#record.admin, password)) {
      this.stats.failures++;
      this.#failures++;
      if (this.#failures >= FREE_FAILURES) this.#waitUntil = now + Math.min(MAX_WAIT_MS, 1000 * 2 ** (this.#failures - FREE_FAILURES));
      return { ok: false, status: 401, message: "wrong password" };
    }
    this.#failures = 0;
    this.#waitUntil = 0;
    this.stats.logins++;
    this.#expire(now);
    if (this.#sessions.size >= this.#o.maxSessions) {
      let oldest: Session | undefined;
      for (const s of this.#sessions.values()) if (!oldest || s.lastUsed < oldest.lastUsed) oldest = s;
      if (oldest) this.#sessions.delete(oldest.token);
    }
    const session: Session = { token: randomToken(this.#o.hash, 24), csrf: randomToken(this.#o.hash, 16), created: now, lastUsed: now };
    this.#sessions.set(session.token, session);
    return { ok: true, session };
  }

  logout(token: string | undefined): void {
    if (token !== undefined) this.#sessions.delete(token);
  }

  #expire(now: number): void {
    for (const s of this.#sessions.values()) {
      if (now - s.lastUsed > this.#o.idleMs || now - s.created > this.#o.maxAgeMs) this.#sessions.delete(s.token);
    }
  }

  /** The live session for a cookie token (refreshing its idle time), or undefined. */
  session(token: string | undefined): Session | undefined {
    if (token === undefined) return undefined;
    const now = this.#o.now();
    this.#expire(now);
    const s = this.#sessions.get(token);
    if (s) s.lastUsed = now;
    return s;
  }

  /** True when `token` is the configured API token. */
  apiTokenMatches(token: string): boolean {
    return this.#matches(this.#record.api, token);
  }

  /** For the settings page: only whether each secret is set. */
  describe(): { adminPassword: "set" | "none"; apiToken: "set" | "none"; sessions: number } {
    return { adminPassword: this.#record.admin ? "set" : "none", apiToken: this.#record.api ? "set" : "none", sessions: this.#sessions.size };
  }
}

/** The Set-Cookie value for a session (no Max-Age: a browser-session cookie). */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
