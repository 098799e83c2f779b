import { fromHex } from "../firmware/util/hex.js";
import { WmbusError } from "../firmware/errors.js";
import { HOST_MEMO } from "./host-memo.js";
import { TelegramDecoder } from "../firmware/decoder/decoder.js";
import { resultJson } from "../firmware/decoder/json.js";
import { OutputBatch } from "./output-lines.js";
import { analyze } from "../firmware/decoder/analyze.js";
import type { CrcMode } from "../firmware/link/frame-format.js";
import { nodeCipher } from "./aes-node.js";
import { ReadingSession } from "../firmware/meters/session.js";
import { driverByName } from "../firmware/meters/drivers/index.js";
import { shownValue } from "../firmware/gateway/config.js";
import type { DecodeResult } from "../firmware/telegram.js";
import { readFileSync } from "node:fs";
import { UserDrivers } from "../firmware/meters/user-drivers.js";
import { importXmqDriver } from "./driver-import.js";

const USAGE = `usage:
  wmbus decode <hex> [--key <32 hex>] [--crc auto|none|A|B] [--analyze] [--driver <name>] [--name <meter name>] [--timestamp <ISO>]
  wmbus decode --jsonl [--crc …] [--driver …] [--name …] [--reading-only]
      reads {"telegram": hex, "key"?: hex, "prelude"?: [hex…], "driver"?, "name"?, "timestamp"?} lines from stdin
  wmbus driver import [--partial] <file.xmq>
      converts a wmbusmeters driver file (XMQ) into a driver definition (JSON, docs/driver.schema.json) on stdout
--drivers <file.json> (decode): user driver definitions, one or a list, as in the settings' "drivers"
hex may contain spaces and the separators _ | # :
The output carries "reading": the named meter values (docs/readings.md) whenever the meter is known;
--driver forces a driver (default: detected), --timestamp replaces the time of decoding.
--reading-only: each output line is {"ok", "error"?, "reading"?} without the frame and the data records.
--jsonl: one output line per input line; a malformed line (not JSON, a bad field, longer than 64 KiB) gets
{"ok": false, "error": {"code", "message"}} and the batch goes on.
exit status: 0 every telegram decoded; 1 some telegram did not decode; 2 usage error;
3 (--jsonl) some input lines were malformed.`;

/** Longest --jsonl input line (bytes): a telegram is ≤ 256 bytes, so 64 KiB leaves room for long preludes. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Exit status when some --jsonl input lines were malformed (documented in USAGE). */
export const EXIT_BAD_LINES = 3;

interface Args {
  cmd?: string;
  hex?: string;
  key?: string;
  crc: CrcMode;
  jsonl: boolean;
  analyze: boolean;
  driver?: string;
  name?: string;
  timestamp?: string;
  drivers?: string;
  readingOnly: boolean;
  /** Words after the command (driver import <file>). */
  words: string[];
  /** driver import: leave out the fields that do not convert, each named on stderr, instead of failing. */
  partial: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { crc: "auto", jsonl: false, analyze: false, readingOnly: false, words: [], partial: false };
  const value = (i: number): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new WmbusError("bad_argument", `${argv[i]} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "--key") a.key = checkKey(value(i++));
    else if (s === "--crc") a.crc = value(i++) as CrcMode;
    else if (s === "--jsonl") a.jsonl = true;
    else if (s === "--analyze") a.analyze = true;
    else if (s === "--reading-only") a.readingOnly = true;
    else if (s === "--driver") a.driver = value(i++);
    else if (s === "--name") a.name = value(i++);
    else if (s === "--timestamp") a.timestamp = checkTimestamp(value(i++), "--timestamp");
    else if (s === "--drivers") a.drivers = value(i++);
    else if (s === "--partial") a.partial = true;
    else if (s.startsWith("--")) throw new WmbusError("bad_argument", `unknown option ${s}`);
    else if (!a.cmd) a.cmd = s;
    else {
      a.words.push(s);
      a.hex = (a.hex ? a.hex + " " : "") + s;
    }
  }
  if (!["auto", "none", "A", "B"].includes(a.crc)) throw new WmbusError("bad_argument", `--crc must be auto, none, A or B`);
  return a;
}

/** Reading options shared by every telegram of one CLI run (request lines may override them). */
interface ReadingDefaults {
  driver?: string;
  name?: string;
  timestamp?: string;
  crc: CrcMode;
  /** Output only ok, error and the reading (no frame, no data records). */
  readingOnly?: boolean;
}

function checkDriver(name: string | undefined, user?: UserDrivers): void {
  // The name is not quoted: a key pasted into the wrong option must not be echoed (docs/reliability.md).
  if (name !== undefined && driverByName(name) === undefined && user?.byName(name) === undefined) throw new WmbusError("bad_argument", `unknown driver ${shownValue(name)}`);
}

/** Longest --drivers file (the settings allow 8192 characters of definitions; a file may hold more). */
const MAX_DRIVER_FILE = 1 << 20;

/** User drivers from a --drivers file: one definition or a list; every problem refuses the file. */
function loadDrivers(path: string): UserDrivers {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new WmbusError("bad_argument", `--drivers: cannot read ${path}: ${(e as Error).message}`);
  }
  if (text.length > MAX_DRIVER_FILE) throw new WmbusError("bad_argument", `--drivers: ${path} is larger than 1 MiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WmbusError("bad_argument", `--drivers: ${path} is not JSON: ${(e as Error).message}`);
  }
  const { drivers, problems } = UserDrivers.fromJson(Array.isArray(raw) ? raw : [raw], "drivers");
  if (problems.length > 0) throw new WmbusError("bad_argument", `--drivers: ${path}: ` + problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  return drivers;
}

/**
 * `wmbus driver import [--partial] <file.xmq>`: the definition on stdout, notes on stderr; 1 for a file that does
 * not convert (with --partial: only for a file whose driver as a whole does not).
 */
function driverCommand(words: readonly string[], partial: boolean): number {
  if (words[0] !== "import" || words.length !== 2) {
    process.stderr.write(USAGE + "\n");
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(words[1], "utf8");
  } catch (e) {
    process.stderr.write(`cannot read ${words[1]}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const { driver, warnings } = importXmqDriver(text, words[1], { partial });
    for (const w of warnings) process.stderr.write("note: " + w + "\n");
    process.stdout.write(JSON.stringify(driver, null, 2) + "\n");
    return 0;
  } catch (e) {
    if (e instanceof WmbusError) {
      process.stderr.write(e.message + "\n");
      return 1;
    }
    throw e;
  }
}

/**
 * A key as given: 32 hex digits once separators are removed. The message says what is wrong without quoting
 * the key ("not hex" for a wrong character, else the digit count).
 */
function checkKey(key: string): string {
  const clean = key.replace(/[\s_|#:]/g, "");
  if (!/^[0-9A-Fa-f]*$/.test(clean)) throw new WmbusError("bad_key", `key is not hex: expected 32 hex digits (AES-128), got ${clean.length} characters with other characters among them`);
  if (clean.length !== 32) throw new WmbusError("bad_key", `key must be 32 hex digits (AES-128), got ${clean.length}`);
  return key;
}

/** "YYYY-MM-DDTHH:MM:SSZ" (the reading's format; a valid date). */
function checkTimestamp(text: string, what: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(text) || Number.isNaN(Date.parse(text)) || new Date(text).toISOString().slice(0, 19) + "Z" !== text) {
    throw new WmbusError("bad_argument", `${what} must be a UTC time like 2024-05-01T12:00:00Z`);
  }
  return text;
}

function optString(req: Record<string, unknown>, k: string): string | undefined {
  const v = req[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new WmbusError("bad_argument", `"${k}" must be a string`);
  return v;
}

/** UTC now as "YYYY-MM-DDTHH:MM:SSZ" (the reading's timestamp format). */
function nowIso(): string {
  return new Date().toISOString().slice(0, 19) + "Z";
}

/**
 * Decodes one telegram through the session and returns the result JSON with "reading" added when the
 * meter is known (a frame too broken to name its meter has no reading).
 */
function decodeWithReading(session: ReadingSession, bytes: Uint8Array, key: string | undefined, o: ReadingDefaults): { res: DecodeResult; out: Record<string, unknown> } {
  const { result, reading } = session.read(bytes, {
    key, crc: o.crc, driver: o.driver, name: o.name, timestamp: o.timestamp ?? nowIso(),
  });
  let out: Record<string, unknown>;
  if (o.readingOnly) {
    out = { ok: result.ok };
    if (result.error) out.error = result.error.toJSON(); // as in the full output (decoder/json.ts resultJson)
  } else out = resultJson(result) as Record<string, unknown>;
  if (result.telegram.meter) out.reading = reading;
  return { res: result, out };
}

/** The fields of a --jsonl request line. */
const REQUEST_FIELDS: ReadonlySet<string> = new Set(["telegram", "key", "prelude", "driver", "name", "timestamp"]);

/**
 * One jsonl request → one output object. Errors in the request itself become ok:false lines marked
 * `bad_line: true` (they set exit status 3); a telegram that does not decode is ok:false without it.
 */
export function decodeRequest(session: ReadingSession, line: string, defaults: ReadingDefaults): object {
  let req: Record<string, unknown>;
  try {
    req = JSON.parse(line);
    if (typeof req !== "object" || req === null) throw new Error("not an object");
  } catch {
    return { ok: false, error: { code: "bad_argument", message: "input line is not a JSON object" }, bad_line: true };
  }
  let stage = "request";
  try {
    if (Array.isArray(req)) throw new WmbusError("bad_argument", "input line is not a JSON object");
    for (const k of Object.keys(req)) if (!REQUEST_FIELDS.has(k)) throw new WmbusError("bad_argument", `unknown field ${shownValue(k)} (known: ${[...REQUEST_FIELDS].join(", ")})`);
    if (typeof req.telegram !== "string") throw new WmbusError("bad_argument", `"telegram" must be a hex string`);
    if (req.key !== undefined && req.key !== null && typeof req.key !== "string") throw new WmbusError("bad_argument", `"key" must be a hex string`);
    const key = typeof req.key === "string" && req.key !== "" ? checkKey(req.key) : undefined;
    const ts = optString(req, "timestamp");
    const o: ReadingDefaults = {
      crc: defaults.crc,
      readingOnly: defaults.readingOnly,
      driver: optString(req, "driver") ?? defaults.driver,
      name: optString(req, "name") ?? defaults.name,
      timestamp: ts !== undefined ? checkTimestamp(ts, '"timestamp"') : defaults.timestamp,
    };
    checkDriver(o.driver, session.drivers);
    if (req.prelude !== undefined && req.prelude !== null && !Array.isArray(req.prelude)) throw new WmbusError("bad_argument", `"prelude" must be a list of hex strings`);
    const prelude = Array.isArray(req.prelude) ? req.prelude : [];
    const preludeBytes = prelude.map((p, i) => {
      if (typeof p !== "string") throw new WmbusError("bad_argument", `"prelude"[${i}] must be a hex string`);
      try {
        return fromHex(p);
      } catch (e) {
        throw e instanceof WmbusError ? new WmbusError(e.code, `"prelude"[${i}]: ${e.message}`) : e;
      }
    });
    const telegram = fromHex(req.telegram);
    stage = "decode";
    for (const p of preludeBytes) session.feed(p, key, o.crc);
    return decodeWithReading(session, telegram, key, o).out;
  } catch (e) {
    if (e instanceof WmbusError) return { ok: false, error: { code: e.code, message: e.message }, ...(stage === "request" ? { bad_line: true } : {}) };
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write((e as Error).message + "\n" + USAGE + "\n");
    return 2;
  }
  if (args.cmd === "driver") return driverCommand(args.words, args.partial);
  if (args.cmd !== "decode") {
    process.stderr.write(USAGE + "\n");
    return 2;
  }
  const cipher = nodeCipher();
  const session = new ReadingSession(new TelegramDecoder({ cipher, memo: HOST_MEMO }));
  try {
    if (args.drivers !== undefined) session.drivers = loadDrivers(args.drivers);
    checkDriver(args.driver, session.drivers);
  } catch (e) {
    process.stderr.write((e as Error).message + "\n" + USAGE + "\n");
    return 2;
  }
  const defaults: ReadingDefaults = { crc: args.crc, driver: args.driver, name: args.name, timestamp: args.timestamp, readingOnly: args.readingOnly };
  if (args.jsonl) {
    let badLines = 0;
    let failed = 0;
    const output = new OutputBatch((text) => process.stdout.write(text));
    for await (const batch of boundedLineBatches(process.stdin, MAX_LINE_BYTES)) {
      for (const item of batch) {
        let out: Record<string, unknown>;
        if (typeof item !== "string") {
          out = { ok: false, error: { code: "line_too_long", message: `input line ${item.line} is ${item.bytes} bytes, more than ${MAX_LINE_BYTES}; skipped` }, bad_line: true };
        } else if (item.trim() === "") continue;
        else out = decodeRequest(session, item, defaults) as Record<string, unknown>;
        if (out.bad_line) badLines++;
        else if (out.ok !== true) failed++;
        output.addJson(out);
      }
      // all input read so far is answered: write it now, so a live stream (a radio log piped in) sees each
      // line's answer as it comes, while a file's 64 KB chunks still make large writes
      output.flush();
    }
    return badLines > 0 ? EXIT_BAD_LINES : failed > 0 ? 1 : 0;
  }
  if (!args.hex) {
    process.stderr.write("missing telegram hex\n" + USAGE + "\n");
    return 2;
  }
  try {
    const { res, out } = decodeWithReading(session, fromHex(args.hex), args.key, defaults);
    if (args.analyze) out.analyze = analyze(res.telegram);
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return res.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof WmbusError) {
      process.stdout.write(JSON.stringify({ ok: false, error: { code: e.code, message: e.message } }, null, 2) + "\n");
      return 1;
    }
    throw e;
  }
}

/**
 * Lines of a byte stream (LF or CRLF), streamed, one list per input chunk: the lines that chunk completed (the
 * caller then has everything that arrived so far), and at the end a last list with an unterminated line. A line
 * longer than `max` bytes is never held whole: its bytes are counted and dropped until its end, and it comes out
 * as {line, bytes} instead of its text. A line that lies inside one chunk, nearly every line, is decoded from the
 * chunk directly; one that spans chunks is gathered first.
 */
export async function* boundedLineBatches(input: AsyncIterable<Buffer | string>, max: number): AsyncGenerator<(string | { line: number; bytes: number })[]> {
  let parts: Buffer[] = [];
  let held = 0;
  let over = 0; // bytes of the current line once it is known to be too long
  let line = 0;
  const finish = (): string | { line: number; bytes: number } => {
    line++;
    if (over > 0) {
      const r = { line, bytes: over };
      over = 0;
      return r;
    }
    const text = Buffer.concat(parts).toString("utf8");
    parts = [];
    held = 0;
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  };
  for await (const chunk of input) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    const batch: (string | { line: number; bytes: number })[] = [];
    for (let start = 0; ; ) {
      const nl = buf.indexOf(10, start);
      if (nl >= 0 && held === 0 && over === 0 && nl - start <= max) {
        line++;
        const text = buf.toString("utf8", start, nl);
        batch.push(text.endsWith("\r") ? text.slice(0, -1) : text);
        start = nl + 1;
        continue;
      }
      const length = (nl < 0 ? buf.length : nl) - start;
      if (over > 0) over += length;
      else if (held + length > max) {
        over = held + length;
        parts = [];
        held = 0;
      } else if (length > 0) {
        parts.push(Buffer.from(buf.subarray(start, start + length)));
        held += length;
      }
      if (nl < 0) break;
      batch.push(finish());
      start = nl + 1;
    }
    yield batch;
  }
  if (held > 0 || over > 0) yield [finish()];
}
