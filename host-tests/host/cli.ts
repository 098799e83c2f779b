import { createInterface } from "node:readline";
import { fromHex } from "../../firmware/util/hex.js";
import { WmbusError } from "../../firmware/errors.js";
import { HOST_MEMO } from "./host-memo.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { resultJson, stringify } from "../../firmware/decoder/json.js";
import { analyze } from "../../firmware/decoder/analyze.js";
import type { CrcMode } from "../../firmware/link/frame-format.js";
import { nodeCipher } from "./aes-node.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { driverByName } from "../../firmware/meters/drivers/index.js";
import type { DecodeResult } from "../../firmware/telegram.js";

const USAGE = `usage:
  wmbus decode <hex> [--key <32 hex>] [--crc auto|none|A|B] [--analyze] [--driver <name>] [--name <meter name>] [--timestamp <ISO>]
  wmbus decode --jsonl [--crc …] [--driver …] [--name …]
      reads {"telegram": hex, "key"?: hex, "prelude"?: [hex…], "driver"?, "name"?, "timestamp"?} lines from stdin
hex may contain spaces and the separators _ | # :
The output carries "reading": the named meter values (docs/readings.md) whenever the meter is known;
--driver forces a driver (default: detected), --timestamp replaces the time of decoding.`;

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
}

function parseArgs(argv: string[]): Args {
  const a: Args = { crc: "auto", jsonl: false, analyze: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "--key") a.key = argv[++i];
    else if (s === "--crc") a.crc = argv[++i] as CrcMode;
    else if (s === "--jsonl") a.jsonl = true;
    else if (s === "--analyze") a.analyze = true;
    else if (s === "--driver") a.driver = argv[++i];
    else if (s === "--name") a.name = argv[++i];
    else if (s === "--timestamp") a.timestamp = argv[++i];
    else if (s.startsWith("--")) throw new WmbusError("bad_argument", `unknown option ${s}`);
    else if (!a.cmd) a.cmd = s;
    else a.hex = (a.hex ? a.hex + " " : "") + s;
  }
  if (!["auto", "none", "A", "B"].includes(a.crc)) throw new WmbusError("bad_argument", `--crc must be auto, none, A or B`);
  checkDriver(a.driver);
  return a;
}

/** Reading options shared by every telegram of one CLI run (request lines may override them). */
interface ReadingDefaults {
  driver?: string;
  name?: string;
  timestamp?: string;
  crc: CrcMode;
}

function checkDriver(name: string | undefined): void {
  if (name !== undefined && driverByName(name) === undefined) throw new WmbusError("bad_argument", `unknown driver "${name}"`);
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
  const out = resultJson(result) as Record<string, unknown>;
  if (result.telegram.meter) out.reading = reading;
  return { res: result, out };
}

/** One jsonl request → one output object. Errors in the request itself become ok:false lines. */
export function decodeRequest(session: ReadingSession, line: string, defaults: ReadingDefaults): object {
  let req: Record<string, unknown>;
  try {
    req = JSON.parse(line);
    if (typeof req !== "object" || req === null) throw new Error("not an object");
  } catch {
    return { ok: false, error: { code: "bad_argument", message: "input line is not a JSON object" } };
  }
  try {
    if (typeof req.telegram !== "string") throw new WmbusError("bad_argument", `"telegram" must be a hex string`);
    if (req.key !== undefined && req.key !== null && typeof req.key !== "string") throw new WmbusError("bad_argument", `"key" must be a hex string`);
    const key = typeof req.key === "string" && req.key !== "" ? req.key : undefined;
    const o: ReadingDefaults = {
      crc: defaults.crc,
      driver: optString(req, "driver") ?? defaults.driver,
      name: optString(req, "name") ?? defaults.name,
      timestamp: optString(req, "timestamp") ?? defaults.timestamp,
    };
    checkDriver(o.driver);
    const prelude = Array.isArray(req.prelude) ? req.prelude : [];
    for (const p of prelude) {
      if (typeof p !== "string") throw new WmbusError("bad_argument", `"prelude" entries must be hex strings`);
      session.feed(fromHex(p), key, o.crc);
    }
    return decodeWithReading(session, fromHex(req.telegram), key, o).out;
  } catch (e) {
    if (e instanceof WmbusError) return { ok: false, error: { code: e.code, message: e.message } };
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
  if (args.cmd !== "decode") {
    process.stderr.write(USAGE + "\n");
    return 2;
  }
  const cipher = nodeCipher();
  const session = new ReadingSession(new TelegramDecoder({ cipher, memo: HOST_MEMO }));
  const defaults: ReadingDefaults = { crc: args.crc, driver: args.driver, name: args.name, timestamp: args.timestamp };
  if (args.jsonl) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (line.trim() === "") continue;
      process.stdout.write(stringify(decodeRequest(session, line, defaults)) + "\n");
    }
    return 0;
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
