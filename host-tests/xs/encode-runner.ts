/**
 * Decode → encode round trip of corpus records, one JSON line each. Pure (no Node API): the same module runs
 * under Node and, bundled, under XS (encode-xs.test.ts), so both engines must rebuild the same bytes.
 */
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { encodeTelegram } from "../../firmware/encoder/encode.js";
import { telegramFields } from "../../firmware/encoder/from-telegram.js";
import { parseKeyHex } from "../../firmware/security/key-store.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import type { CorpusRecord } from "./corpus-runner.js";

export interface RoundTrip {
  index: number;
  /** same: encode gave the input bytes; differs: it did not (with both hex); undecoded: the decoder refused the frame. */
  result: "same" | "differs" | "undecoded" | "encode_error";
  code?: string;
  /** Layers and security steps that were rebuilt, e.g. "wmbus A ell_ctr mode7 afl_mac". */
  layers?: string;
  input?: string;
  output?: string;
}

export function roundTrip(rec: CorpusRecord, cipher: BlockCipher): RoundTrip {
  const dec = new TelegramDecoder({ cipher });
  const key = rec.key ?? undefined;
  for (const p of rec.prelude) dec.decode(fromHex(p), { key });
  const input = fromHex(rec.telegram);
  const res = dec.decode(input, { key });
  if (!res.ok) return { index: rec.index, result: "undecoded", code: res.error!.code };
  const t = res.telegram;
  const layers = [t.format, t.dllCrc, ...t.ciChain.map((c) => c.toString(16)), t.payloadState, ...t.security].join(" ");
  try {
    const k = key ? parseKeyHex(key) : undefined;
    const out = encodeTelegram(telegramFields(t, input), k ? { cipher, key: k } : undefined);
    const a = toHex(input), b = toHex(out);
    return a === b ? { index: rec.index, result: "same", layers } : { index: rec.index, result: "differs", layers, input: a, output: b };
  } catch (e) {
    return { index: rec.index, result: "encode_error", layers, code: (e as { message?: string }).message ?? String(e) };
  }
}
