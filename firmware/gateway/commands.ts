/**
 * Commands to meters (issue 18): a bounded queue per meter that waits for the meter's next receive window
 * (firmware/gateway/response-window.ts), sends the head command through the injected Transmitter, matches the
 * meter's answer (ACK for SND-UD, RSP-UD for REQ-UD2), retries a bounded number of times, expires, and
 * publishes every outcome (queued, sent, acked, answered, failed, expired). The command JSON is documented in
 * docs/bidirectional.md.
 *
 * Rules: only configured meters with a key can be commanded; a command needs the same authorisation as a
 * settings change (the caller says whether the request carried it); SND-UD payloads are always encrypted
 * with the meter's key (TPL mode 7 when the meter sends mode 7, else mode 5): no plaintext ever goes to a keyed
 * meter. Keys never appear in outcomes.
 */
import { fail, WmbusError } from "../errors.js";
import { fromHex, toHex } from "../util/hex.js";
import { encodeTelegram } from "../encoder/encode.js";
import type { AplItem, RecordFields } from "../application/record-encode.js";
import type { BlockCipher } from "../security/block-cipher.js";
import type { Telegram } from "../telegram.js";
import { inWindow, type Transmitter } from "../radio/transmit.js";
import { accessOf, responseWindow } from "./response-window.js";

/** Why a command was refused (the web API maps these to HTTP statuses). */
export type RefusalCode = "unauthorized" | "not_configured" | "no_key" | "bad_command" | "queue_full" | "duplicate";

export type SubmitResult = { ok: true; id: string } | { ok: false; code: RefusalCode; error: string };

export type CommandKind = "snd_ud" | "req_ud2" | "snd_nke" | "ack";
export type CommandState = "queued" | "sent" | "acked" | "answered" | "failed" | "expired" | "refused";

export interface CommandOutcome {
  id: string;
  meter: string;
  kind: CommandKind;
  state: CommandState;
  attempts: number;
  /** Why (failed/refused/expired), or the answer telegram as hex (answered). */
  detail?: string;
  at: number;
}

interface Command {
  id: string;
  meter: string;
  kind: CommandKind;
  records: RecordFields[];
  expiresAt: number;
  retries: number;
  attempts: number;
}

export interface CommandQueueOptions {
  /** Milliseconds for time to live and expiry (monotonic on the device: the wall clock jumps when SNTP sets it). */
  now(): number;
  /** Wall-clock milliseconds for the outcomes' `at` (default `now`). */
  wallNow?(): number;
  cipher: BlockCipher;
  /** The meter's key when it is configured with one; undefined otherwise (a copy: it is wiped after use). */
  keyFor(meterId: string): Uint8Array | undefined;
  isConfigured(meterId: string): boolean;
  transmitter: Transmitter;
  publish(outcome: CommandOutcome): void;
  maxPerMeter?: number;
  defaultTtlS?: number;
  defaultRetries?: number;
  /** Margin after the window opens, µs (the start must fall inside [open, close]). */
  marginUs?: number;
  /**
   * The next mode 7 message counter (AFL MCR) for commands to `meterId`, strictly increasing; it may throw (the
   * command then fails). Default: a counter per meter in RAM from 1 (CommandService keeps them across restarts
   * when given a store: message-counters.ts).
   */
  nextCounter?(meterId: string): number;
}

/** The parts of one SND-UD command frame (`commandFrame`). */
export interface CommandFrameFields {
  /** DLL C-field (0x53 SND-UD). */
  c: number;
  /** The meter's address in DLL order (M2 ID4 V T). */
  address: Uint8Array;
  /** TPL access number: the one of the meter's telegram that opened the window. */
  acc: number;
  records: readonly RecordFields[];
  mode: 5 | 7;
  /** Mode 7: the gateway's message counter (AFL MCR, KDF-A input). */
  mcr?: number;
}

/** AFL FCL of a mode 7 command: MCL, MCR and MAC present (EN 13757-7 §6.4, as in CEN/TR 17167 F.3). */
const AFL_FCL_MCL_MCR_MAC = 0x2c00;
/** AFL MCL: MCR present, authentication type 5 = AES-CMAC-128 truncated to 8 bytes. */
const AFL_MCL_CMAC8_MCR = 0x25;
/** Mode 7 CFG extension: KDF-A, key ID 0 (the only one a vector confirms, docs/protocol.md §5.6). */
const MODE7_EXT_KDFA = 0x10;

/**
 * An encrypted SND-UD: DLL, for mode 7 the AFL (MCR + CMAC-8), TPL CI 5A with the records after two 2F fillers,
 * padded with 2F to whole AES blocks (EN 13757-3 idle filler), encrypted with `key` (gateway → meter keys in
 * mode 7: give `toMeter: true`). Frame A with CRCs.
 */
export function commandFrame(f: CommandFrameFields, key: { cipher: BlockCipher; key: Uint8Array; toMeter?: boolean }): Uint8Array {
  const dll = { c: f.c, address: f.address };
  const apl: AplItem[] = [{ kind: "filler", count: 2 }, ...f.records.map((r) => ({ kind: "record", record: r }) as AplItem)];
  const probe = encodeTelegram({ dll, tpl: { ci: 0x5a }, apl, crc: "none" });
  const len = probe.length - 15; // the APL: after L C M A (10) and CI ACC STS CFG (5)
  const blocks = Math.ceil(len / 16);
  if (blocks > 15) fail("bad_length", "command payload longer than 15 encrypted blocks");
  apl.push({ kind: "filler", count: blocks * 16 - len });
  if (f.mode === 7) {
    if (f.mcr === undefined || !Number.isInteger(f.mcr) || f.mcr < 0 || f.mcr > 0xffffffff) fail("bad_argument", "a mode 7 command needs the gateway's message counter 0..2³²−1");
    return encodeTelegram(
      { dll, afl: { fcl: AFL_FCL_MCL_MCR_MAC, mcl: AFL_MCL_CMAC8_MCR, mcr: f.mcr }, tpl: { ci: 0x5a, acc: f.acc, sts: 0, cfg: (7 << 8) | (blocks << 4), cfgExt: MODE7_EXT_KDFA, encrypt: true }, apl, crc: "A" },
      key,
    );
  }
  return encodeTelegram({ dll, tpl: { ci: 0x5a, acc: f.acc, sts: 0, cfg: (5 << 8) | (blocks << 4), encrypt: true }, apl, crc: "A" }, key);
}

const C_SND_UD = 0x53, C_REQ_UD2 = 0x5b, C_SND_NKE = 0x40, C_ACK = 0x00, C_RSP_UD = 0x08;
const KINDS: { readonly [k: string]: number } = Object.freeze({ snd_ud: C_SND_UD, req_ud2: C_REQ_UD2, snd_nke: C_SND_NKE, ack: C_ACK });

function obj(v: unknown): { [k: string]: unknown } | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as { [k: string]: unknown }) : undefined;
}

/** `{"dif": 1, "vib": "FD1F", "data": "00"}` or `{"dif": 4, "vib": "13", "value": 1.5, "exponent": -3}`. */
function parseRecord(raw: unknown, i: number): RecordFields {
  const r = obj(raw);
  if (!r) return fail("bad_argument", `records[${i}]: expected an object`);
  const dif = r.dif;
  if (typeof dif !== "number" || !Number.isInteger(dif) || dif < 0 || dif > 0x7f || (dif & 0x0f) === 0x0f) fail("bad_argument", `records[${i}].dif: a DIF 0..7E without extension bit`);
  if (typeof r.vib !== "string" || !/^([0-9A-Fa-f]{2}){1,11}$/.test(r.vib)) fail("bad_argument", `records[${i}].vib: 1..11 bytes of hex`);
  const f: RecordFields = { dataField: dif & 0x0f, function: (["instantaneous", "maximum", "minimum", "error"] as const)[(dif >> 4) & 3], storage: (dif >> 6) & 1, vib: fromHex(r.vib) };
  if (typeof r.value === "number") {
    f.value = r.value;
    f.exponent = typeof r.exponent === "number" ? r.exponent : 0;
  } else if (typeof r.data === "string" && /^([0-9A-Fa-f]{2})*$/.test(r.data)) f.data = fromHex(r.data);
  else fail("bad_argument", `records[${i}]: give "data" (hex) or "value" (number)`);
  return f;
}

export class CommandQueue {
  readonly #o: CommandQueueOptions;
  readonly #queues = new Map<string, Command[]>();
  readonly #inFlight = new Map<string, Command>();
  readonly #counters = new Map<string, number>();
  readonly #recentIds: string[] = [];
  #seq = 0;

  constructor(opts: CommandQueueOptions) {
    this.#o = opts;
  }

  /** Validates and queues a command; the refusal reason otherwise (also published as "refused"). */
  submit(meterId: string, json: unknown, authorized: boolean): SubmitResult {
    const o = this.#o;
    const refuse = (code: RefusalCode, why: string, id = "-"): SubmitResult => {
      const k = obj(json)?.kind;
      const kind = typeof k === "string" && KINDS[k] !== undefined ? (k as CommandKind) : "ack";
      o.publish({ id, meter: meterId, kind, state: "refused", attempts: 0, detail: why, at: (o.wallNow ?? o.now)() });
      return { ok: false, code, error: why };
    };
    if (!authorized) return refuse("unauthorized", "not authorised: commands need the same authorisation as settings");
    if (!o.isConfigured(meterId)) return refuse("not_configured", `meter ${meterId} is not configured`);
    const key = o.keyFor(meterId);
    if (!key) return refuse("no_key", `meter ${meterId} has no key: commands are only sent encrypted`);
    key.fill(0);
    const j = obj(json);
    if (!j) return refuse("bad_command", "expected a JSON object");
    const kind = j.kind;
    if (typeof kind !== "string" || KINDS[kind] === undefined) return refuse("bad_command", `kind must be one of ${Object.keys(KINDS).join(", ")}`);
    let records: RecordFields[] = [];
    try {
      if (kind === "snd_ud") {
        if (!Array.isArray(j.records) || j.records.length === 0 || j.records.length > 16) fail("bad_argument", "snd_ud needs 1..16 records");
        records = j.records.map(parseRecord);
      }
    } catch (e) {
      return refuse("bad_command", e instanceof WmbusError ? e.message : String(e));
    }
    const ttl = typeof j.ttl_s === "number" && j.ttl_s > 0 ? Math.min(j.ttl_s, 7 * 86400) : o.defaultTtlS ?? 3600;
    const retries = typeof j.retries === "number" && Number.isInteger(j.retries) && j.retries >= 0 ? Math.min(j.retries, 10) : o.defaultRetries ?? 3;
    const given = typeof j.id === "string" && /^[A-Za-z0-9_-]{1,32}$/.test(j.id) ? j.id : undefined;
    const id = given ?? `c${++this.#seq}`;
    if (given !== undefined) {
      // A command given an id is taken once: a retained set message delivered again after a reconnect, or a
      // repeated web request, is not sent to the meter a second time.
      if (this.#recentIds.includes(`${meterId}/${given}`)) return refuse("duplicate", `command ${given} was already received for meter ${meterId}`); // not under its id: that one's outcomes stand
    }
    const q = this.#queues.get(meterId) ?? [];
    if (q.length >= (o.maxPerMeter ?? 8)) return refuse("queue_full", `queue of meter ${meterId} is full`, id);
    if (given !== undefined) {
      this.#recentIds.push(`${meterId}/${given}`);
      if (this.#recentIds.length > 64) this.#recentIds.shift();
    }
    const cmd: Command = { id, meter: meterId, kind: kind as CommandKind, records, expiresAt: o.now() + ttl * 1000, retries, attempts: 0 };
    q.push(cmd);
    this.#queues.set(meterId, q);
    this.#publish(cmd, "queued");
    return { ok: true, id };
  }

  pending(meterId: string): number {
    return (this.#queues.get(meterId)?.length ?? 0) + (this.#inFlight.has(meterId) ? 1 : 0);
  }

  /** Expires commands whose time is up (also done on every telegram). */
  expire(): void {
    const now = this.#o.now();
    for (const [meter, q] of this.#queues) {
      const keep = q.filter((c) => {
        if (c.expiresAt > now) return true;
        this.#publish(c, "expired", c.attempts ? `no answer after ${c.attempts} attempt(s)` : "the meter opened no window in time");
        return false;
      });
      this.#queues.set(meter, keep);
    }
  }

  /**
   * A frame straight from the radio, before dedup and decoding: an ACK (C 0x00) or RSP-UD (C 0x08) from a meter
   * with a command in flight completes that command. Returns true when the frame was such an answer.
   * (Answers bypass the gateway's dedup: two ACKs of one meter are byte-identical.)
   */
  onAnswer(stripped: Uint8Array): boolean {
    if (stripped.length < 10) return false;
    const c = stripped[1];
    if (c !== C_ACK && c !== C_RSP_UD) return false;
    let id = "";
    for (let i = 7; i >= 4; i--) id += stripped[i].toString(16).padStart(2, "0");
    const flying = this.#inFlight.get(id);
    if (!flying) return false;
    if (flying.kind === "snd_ud" && c === C_ACK) this.#publish(flying, "acked");
    else if (flying.kind === "req_ud2" && c === C_RSP_UD) this.#publish(flying, "answered", toHex(stripped));
    else return false;
    this.#inFlight.delete(id);
    return true;
  }

  /**
   * A decoded telegram of configured meter `meterId` (its DLL id) ended at `receivedAt` (radio timers' ms) in
   * `mode`. A command still in flight got no answer before this telegram: retried or failed. Then, if this
   * frame opens a window, the head command is sent.
   */
  onTelegram(meterId: string, t: Telegram, mode: "T" | "C" | "S", receivedAt: number): Promise<void> | undefined {
    this.expire();
    const flying = this.#inFlight.get(meterId);
    if (flying) {
      this.#inFlight.delete(meterId);
      this.#retryOrFail(flying, "no answer from the meter");
    }
    const q = this.#queues.get(meterId);
    if (!q || q.length === 0 || accessOf(t) === "none" || !t.dll) return undefined;
    const cmd = q.shift()!;
    return this.#send(cmd, t, mode, receivedAt);
  }

  async #send(cmd: Command, t: Telegram, mode: "T" | "C" | "S", receivedAt: number): Promise<void> {
    const o = this.#o;
    const win = responseWindow(mode, t);
    cmd.attempts++;
    let bytes: Uint8Array;
    try {
      bytes = this.#frame(cmd, t);
    } catch (e) {
      this.#publish(cmd, "failed", e instanceof WmbusError ? e.message : String(e));
      return;
    }
    const startAt = receivedAt + (win.openUs + (o.marginUs ?? Math.min(500, (win.closeUs - win.openUs) / 2))) / 1000;
    const res = await o.transmitter.transmit({ bytes, format: "A", mode: win.downlink, startAt });
    if (!res.ok) {
      this.#retryOrFail(cmd, "transmit failed: " + res.reason);
      return;
    }
    if (!inWindow(receivedAt, res.startedAt, win.openUs / 1000, win.closeUs / 1000)) {
      this.#retryOrFail(cmd, `missed the window: started ${(res.startedAt - receivedAt).toFixed(3)} ms after the frame, window ${win.openUs / 1000}–${win.closeUs / 1000} ms`);
      return;
    }
    if (cmd.kind === "snd_nke" || cmd.kind === "ack") {
      this.#publish(cmd, "sent");
      return;
    }
    this.#inFlight.set(cmd.meter, cmd);
    this.#publish(cmd, "sent");
  }

  /**
   * The downlink frame: DLL C and the meter's own address. SND-UD carries a CI 5A TPL, encrypted in the mode the
   * meter's own telegram used: mode 7 (AES-CBC IV 0 with Lenc from KDF-A, AFL with the gateway's message counter
   * and an 8-byte CMAC with Lmac, EN 13757-7 §6 and §9.6) when it sent mode 7, else mode 5 (§9.4).
   */
  #frame(cmd: Command, t: Telegram): Uint8Array {
    const address = t.dll!.address.bytes;
    const c = KINDS[cmd.kind];
    if (cmd.kind !== "snd_ud") return encodeTelegram({ dll: { c, address }, apl: [], crc: "A" });
    const key = this.#o.keyFor(cmd.meter);
    if (!key) return fail("no_key", `meter ${cmd.meter} has no key any more`);
    try {
      const acc = t.tpl?.acc ?? t.ell?.acc ?? 0;
      return commandFrame({ c, address, acc, records: cmd.records, mode: t.tpl?.securityMode === 7 ? 7 : 5, mcr: t.tpl?.securityMode === 7 ? this.#counter(cmd.meter) : undefined }, { cipher: this.#o.cipher, key, toMeter: true });
    } finally {
      key.fill(0);
    }
  }

  /** The gateway's mode 7 message counter towards `meterId` (AFL MCR): strictly increasing per meter. */
  #counter(meterId: string): number {
    if (this.#o.nextCounter) return this.#o.nextCounter(meterId);
    const n = (this.#counters.get(meterId) ?? 0) + 1;
    this.#counters.set(meterId, n);
    return n;
  }

  #retryOrFail(cmd: Command, why: string): void {
    if (cmd.attempts > cmd.retries) {
      this.#publish(cmd, "failed", why);
      return;
    }
    const q = this.#queues.get(cmd.meter) ?? [];
    q.unshift(cmd);
    this.#queues.set(cmd.meter, q);
    this.#publish(cmd, "queued", why);
  }

  #publish(c: Command, state: CommandState, detail?: string): void {
    this.#o.publish({ id: c.id, meter: c.meter, kind: c.kind, state, attempts: c.attempts, detail, at: (this.#o.wallNow ?? this.#o.now)() });
  }
}
