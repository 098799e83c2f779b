/**
 * `npm start -- --replay [log.jsonl] [--json]`: replays a log of real telegrams (with keys) through the decoder
 * and prints each decoded telegram (the `npm start` of before the gateway existed; kept for decoder work).
 */
import { readFileSync } from "node:fs";
import { fromHex } from "../firmware/util/hex.js";
import { idString } from "../firmware/link/dll.js";
import { TelegramDecoder } from "../firmware/decoder/decoder.js";
import { resultJson } from "../firmware/decoder/json.js";
import { nodeCipher } from "./aes-node.js";
import { KeyStore } from "../firmware/security/key-store.js";

export function replay(file: string, asJson: boolean): void {
  const keys = new KeyStore();
  const dec = new TelegramDecoder({ cipher: nodeCipher(), keys });
  const stats = { telegrams: 0, ok: 0, records: 0, errors: {} as Record<string, number> };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { telegram: string; key?: string; prelude?: string[]; name?: string };
    if (req.key) keys.set(idOf(req.telegram), req.key);
    for (const p of req.prelude ?? []) dec.decode(fromHex(p));
    const res = dec.decode(fromHex(req.telegram));
    const out = resultJson(res);
    stats.telegrams++;
    if (asJson) {
      console.log(JSON.stringify(out));
      continue;
    }
    const m = res.telegram.meter;
    const head = m ? `${m.manufacturer} ${m.id} ${(out.frame as { media?: string })?.media ?? ""}` : "?";
    if (res.ok) {
      stats.ok++;
      stats.records += res.telegram.records.length;
      console.log(`✔ ${head} [${res.telegram.payloadState}] ${res.telegram.records.length} records`);
      for (const r of res.telegram.records.slice(0, 6)) console.log(`    ${r.name} = ${r.value}${r.unit ? " " + r.unit : ""}`);
    } else {
      const code = res.error!.code;
      stats.errors[code] = (stats.errors[code] ?? 0) + 1;
      console.log(`✘ ${head} ${code}: ${res.error!.message}`);
    }
  }
  console.log(`\n${stats.telegrams} telegrams, ${stats.ok} decoded, ${stats.records} records, errors: ${JSON.stringify(stats.errors)}`);
}

/** The DLL id of a wireless telegram (bytes 4..7) or the long-header id of a wired one (bytes 7..10). */
function idOf(hex: string): string {
  const b = fromHex(hex);
  return idString(b, b[0] === 0x68 ? 7 : 4);
}
