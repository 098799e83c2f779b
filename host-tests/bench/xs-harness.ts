/**
 * Stage-cost harness. Pure (no Node API): it is bundled with esbuild and run under the XS engine (xsnap CLI
 * with `-q`, which prefixes every printed line with the XS meter). It only prints one- or two-character
 * markers; host-tests/bench/xs-stages.ts turns the meter values between markers into costs per stage.
 *
 * Marker protocol (one `print` per marker, constant strings so every print costs the same):
 *   "#"          record separator (outside any window; the record index is implied by the order)
 *   "!"          inside "G": makeReading threw (the decoder itself never throws)
 *   "<X" … ">X"  a window of stage X; windows nest. X is one character (see STAGES in xs-stages.ts).
 *   "=" … "=="  calibration: two consecutive prints with nothing between.
 * The meter counts executed work deterministically, so two runs print identical numbers.
 */
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { decodeTelegram } from "../../firmware/decoder/decode.js";
import type { SecurityHook } from "../../firmware/telegram.js";
import { decodeApl } from "../../firmware/decoder/apl-dispatch.js";
import type { Telegram } from "../../firmware/telegram.js";
import { stripDllCrc, stripFrameA, addFrameACrc, frameALength } from "../../firmware/link/frame-format.js";
import { readDllHeader } from "../../firmware/link/dll.js";
import { isWired, parseWired } from "../../firmware/link/wired.js";
import { crc16 } from "../../firmware/link/crc16.js";
import { decode3of6Into, encode3of6 } from "../../firmware/phy/three-of-six.js";
import { Reader } from "../../firmware/util/reader.js";
import { FormatCache } from "../../firmware/application/compact.js";
import { KNOWN_FORMATS } from "../../firmware/application/known-formats.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { ReplayGuard } from "../../firmware/security/replay.js";
import { createSecurityHook } from "../../firmware/security/telegram-security.js";
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import type { KeyProvider } from "../../firmware/vocabulary.js";

declare const print: (...args: unknown[]) => void;

/** One corpus record as the bench needs it. */
export interface BenchRecord {
  index: number;
  telegram: string;
  prelude: string[];
  /** 32 hex digits or null. */
  key: string | null;
  driver: string | null;
  /** The configured meter name (see readings-table.ts). */
  name: string;
}

/** The reading stage, injected so the harness runs (and prints n/a) while firmware/meters does not exist. */
export type MakeReading = (
  t: Telegram, opts: { name: string; driver?: string; timestamp: string; previous?: unknown; cipher: BlockCipher; keys?: KeyProvider; plans?: unknown },
) => unknown;

export const TIMESTAMP = "2024-05-01T12:00:00Z";

/** A BlockCipher that marks every block call as an "A" window, so AES rounds can be counted apart. */
export function markedCipher(inner: BlockCipher): BlockCipher {
  return {
    encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
      print("<A");
      try {
        return inner.encryptBlock(key, block);
      } finally {
        print(">A");
      }
    },
    decryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
      print("<A");
      try {
        return inner.decryptBlock(key, block);
      } finally {
        print(">A");
      }
    },
  };
}

/** Wraps the key provider in an "S" window (the key lookup is part of security). */
function markedKeys(k: KeyProvider): KeyProvider {
  return {
    keyFor(m) {
      print("<S");
      try {
        return k.keyFor(m);
      } finally {
        print(">S");
      }
    },
  };
}

/** Wraps every hook call in an "S" window (security: IV/KDF, CBC/CTR/CMAC glue; AES blocks inside). */
function markedHook(h: SecurityHook): SecurityHook {
  return {
    decryptEll(t, key) {
      print("<S");
      try {
        h.decryptEll(t, key);
      } finally {
        print(">S");
      }
    },
    decryptTpl(t, key) {
      print("<S");
      try {
        h.decryptTpl(t, key);
      } finally {
        print(">S");
      }
    },
  };
}

/** Prints calibration pairs: the meter delta of two prints with nothing between. */
export function calibrate(n = 8): void {
  for (let i = 0; i < n; i++) {
    print("=");
    print("==");
  }
}

/**
 * For each record (prelude fed first, unmeasured; then one unmeasured warm-up decode so the format cache
 * and key schedules are in their steady state, as on a gateway that has heard the meter before):
 *
 * pass 1, the gateway pipeline: "P" = "D" (TelegramDecoder.decode with a key store and a replay guard) +
 *   "G" (makeReading with the previous reading of the meter); AES blocks inside are "A" windows.
 * pass 2, the stages: "L" link (stripDllCrc + copy + readDllHeader, or the wired parse), "T" decodeTelegram
 *   with the security hook in "S" windows, then "C" the APL (decodeApl on a copy of the decoded telegram).
 *   ELL/AFL/TPL = T − S − L − C.
 */
export function runStages(records: readonly BenchRecord[], cipher: BlockCipher, makeReading: MakeReading | undefined, plans?: unknown): void {
  const marked = markedCipher(cipher);
  const formats = new FormatCache(256);
  formats.import(KNOWN_FORMATS);
  calibrate();
  for (const rec of records) {
    print("#");
    const input = fromHex(rec.telegram);
    const key = rec.key !== null && rec.key.length === 32 ? rec.key : undefined;
    const driver = rec.driver ?? undefined;
    // Unmeasured set-up: prelude, a warm-up decode with the call key to learn the meter's addresses.
    const warm = new TelegramDecoder({ cipher, formats });
    for (const p of rec.prelude) warm.decode(fromHex(p), { key });
    const w = warm.decode(input, { key });
    const keys = new KeyStore();
    if (key !== undefined) {
      const ids = [w.telegram.dll?.address.id, w.telegram.tpl?.address?.id, w.telegram.meter?.id];
      for (const id of ids) if (id !== undefined && /^[0-9A-Fa-f]{8}$/.test(id)) keys.set(id, key);
    }
    let previous: unknown;
    try {
      previous = makeReading ? makeReading(w.telegram, { name: rec.name, driver, timestamp: TIMESTAMP, cipher, keys, plans }) : undefined;
    } catch {
      previous = undefined;
    }

    // Pass 1: the pipeline as a gateway runs it.
    const dec = new TelegramDecoder({ cipher: marked, formats, keys, replay: new ReplayGuard() });
    print("<P");
    print("<D");
    const res = dec.decode(input);
    print(">D");
    if (makeReading) {
      print("<G");
      try {
        makeReading(res.telegram, { name: rec.name, driver, timestamp: TIMESTAMP, previous, cipher: marked, keys, plans });
      } catch {
        print("!"); // makeReading threw: counted as it is, and reported
      }
      print(">G");
    }
    print(">P");

    // Pass 2: the stages.
    const hook = markedHook(createSecurityHook(marked));
    print("<L");
    if (isWired(input)) {
      try {
        parseWired(input);
      } catch {
        // counted as it is: a bad wired frame ends here
      }
      input.slice();
    } else {
      try {
        const s = stripDllCrc(input, "auto");
        const b = s.bytes.slice();
        if (b[0] >= 9) readDllHeader(new Reader(b));
      } catch {
        // the link stage rejected the frame
      }
    }
    print(">L");
    print("<T");
    const r2 = decodeTelegram(input, { formats, security: hook, keys: markedKeys(keys) });
    print(">T");
    const t = r2.telegram;
    if (t.tpl !== undefined && t.aplEnd > 0) {
      const copy: Telegram = { ...t, records: [], warnings: [], aplError: undefined, unparsedOffset: undefined, manufacturerData: undefined };
      print("<C");
      try {
        decodeApl(copy, formats);
      } catch {
        // e.g. an unknown compact format: the work up to the throw is counted
      }
      print(">C");
    }
  }
  print("#");
}

/**
 * XS cost of the TS twins of the native C: CRC over 256 bytes, frame-A strip of a 290-byte frame (L = 255),
 * 3-of-6 decode of 255 bytes. Windows "c", "s", "3"; the sizes are printed first as "n <crc> <strip> <3of6>".
 */
export function runTwins(): void {
  const data = new Uint8Array(256);
  for (let i = 0; i < data.length; i++) data[i] = (i * 151 + 7) & 0xff;
  // The sizes line comes first: it ends the last record's group, and building the frame below runs CRCs.
  print("n " + data.length + " " + frameALength(255) + " " + 255);
  const frame = data.slice(0, 256);
  frame[0] = 255;
  const framed = addFrameACrc(frame);
  const chips = encode3of6(data, 0, 255);
  const out = new Uint8Array(255);
  for (let k = 0; k < 3; k++) {
    print("<c");
    crc16(data, 0, data.length);
    print(">c");
    print("<s");
    stripFrameA(framed);
    print(">s");
    print("<3");
    decode3of6Into(chips, 0, chips.length, out, 0, 255);
    print(">3");
  }
}
