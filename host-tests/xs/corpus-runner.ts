/**
 * Decodes corpus records and emits one JSON line each. Pure (no Node API): the same module runs under
 * Node (vitest) and, bundled, under the XS engine, so the two outputs can be compared byte for byte.
 */
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { resultJson, stringify } from "../../firmware/decoder/json.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";

export interface CorpusRecord {
  index: number;
  telegram: string;
  key: string | null;
  prelude: string[];
  [k: string]: unknown;
}

/** Decodes one record (prelude first, with a fresh decoder so records stay independent). */
export function decodeRecord(rec: CorpusRecord, cipher: BlockCipher): Record<string, unknown> {
  const dec = new TelegramDecoder({ cipher });
  const key = rec.key ?? undefined;
  try {
    for (const p of rec.prelude) dec.decode(fromHex(p), { key });
    return { index: rec.index, ...resultJson(dec.decode(fromHex(rec.telegram), { key })) };
  } catch (e) {
    // The decoder must never throw; a line like this fails the conformance and corpus tests.
    return { index: rec.index, crash: String(e) };
  }
}

export function runCorpus(records: CorpusRecord[], cipher: BlockCipher, emit: (line: string) => void): void {
  for (const rec of records) emit(stringify(decodeRecord(rec, cipher)));
}
