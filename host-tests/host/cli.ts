import { createInterface } from "node:readline";
import { fromHex } from "../../firmware/util/hex.js";
import { WmbusError } from "../../firmware/errors.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { resultJson, stringify } from "../../firmware/decoder/json.js";
import { analyze } from "../../firmware/decoder/analyze.js";
import type { CrcMode } from "../../firmware/link/frame-format.js";
import { nodeCipher } from "./aes-node.js";

const USAGE = `usage:
  wmbus decode <hex> [--key <32 hex>] [--crc auto|none|A|B] [--analyze]
  wmbus decode --jsonl [--crc …]    reads {"telegram": hex, "key"?: hex, "prelude"?: [hex…]} lines from stdin
hex may contain spaces and the separators _ | # :`;

interface Args {
  cmd?: string;
  hex?: string;
  key?: string;
  crc: CrcMode;
  jsonl: boolean;
  analyze: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { crc: "auto", jsonl: false, analyze: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "--key") a.key = argv[++i];
    else if (s === "--crc") a.crc = argv[++i] as CrcMode;
    else if (s === "--jsonl") a.jsonl = true;
    else if (s === "--analyze") a.analyze = true;
    else if (s.startsWith("--")) throw new WmbusError("bad_argument", `unknown option ${s}`);
    else if (!a.cmd) a.cmd = s;
    else a.hex = (a.hex ? a.hex + " " : "") + s;
  }
  if (!["auto", "none", "A", "B"].includes(a.crc)) throw new WmbusError("bad_argument", `--crc must be auto, none, A or B`);
  return a;
}

/** One jsonl request → one output object. Errors in the request itself become ok:false lines. */
export function decodeRequest(dec: TelegramDecoder, line: string, crc: CrcMode): object {
  let req: { telegram?: unknown; key?: unknown; prelude?: unknown };
  try {
    req = JSON.parse(line);
  } catch {
    return { ok: false, error: { code: "bad_argument", message: "input line is not JSON" } };
  }
  try {
    if (typeof req.telegram !== "string") throw new WmbusError("bad_argument", `"telegram" must be a hex string`);
    if (req.key !== undefined && req.key !== null && typeof req.key !== "string") throw new WmbusError("bad_argument", `"key" must be a hex string`);
    const key = typeof req.key === "string" && req.key !== "" ? req.key : undefined;
    const prelude = Array.isArray(req.prelude) ? req.prelude : [];
    for (const p of prelude) {
      if (typeof p !== "string") throw new WmbusError("bad_argument", `"prelude" entries must be hex strings`);
      dec.decode(fromHex(p), { key, crc });
    }
    return resultJson(dec.decode(fromHex(req.telegram), { key, crc }));
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
  const dec = new TelegramDecoder({ cipher: nodeCipher() });
  if (args.jsonl) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (line.trim() === "") continue;
      process.stdout.write(stringify(decodeRequest(dec, line, args.crc)) + "\n");
    }
    return 0;
  }
  if (!args.hex) {
    process.stderr.write("missing telegram hex\n" + USAGE + "\n");
    return 2;
  }
  try {
    const bytes = fromHex(args.hex);
    const res = dec.decode(bytes, { key: args.key, crc: args.crc });
    const out = resultJson(res);
    if (args.analyze) (out as Record<string, unknown>).analyze = analyze(res.telegram);
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
