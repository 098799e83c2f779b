/**
 * wmbusmeters' published driver examples (host-tests/data/wmbusmeters-driver-tests.json) and how they are read:
 * one session per driver file, in order, as wmbusmeters' own test runs them (one process per file).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import type { Reading } from "../../firmware/meters/types.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { fromHex } from "../../firmware/util/hex.js";
import { nodeCipher } from "../../host/aes-node.js";

export interface PublishedTest {
  source: string;
  driver: string;
  name: string;
  id: string;
  key: string | null;
  /** Telegrams fed first (e.g. the full frame before a compact one). */
  prelude?: string[];
  telegram: string;
  expected: { [field: string]: unknown };
}

export function publishedTests(): PublishedTest[] {
  const file = join(dirname(fileURLToPath(import.meta.url)), "../data/wmbusmeters-driver-tests.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { tests: PublishedTest[] }).tests;
}

/** Every example read as wmbusmeters' test runs do: one session per driver file, in order. */
export function readPublished(tests: readonly PublishedTest[]): Reading[] {
  const cipher = nodeCipher();
  const out: Reading[] = [];
  let source = "";
  let session: ReadingSession | undefined;
  for (const t of tests) {
    if (session === undefined || t.source !== source) {
      session = new ReadingSession(new TelegramDecoder({ cipher, keys: new KeyStore() }));
      source = t.source;
    }
    const key = t.key !== null && /^[0-9a-fA-F]{32}$/.test(t.key) ? t.key : undefined;
    for (const p of t.prelude ?? []) session.feed(fromHex(p), key);
    // one example (qwaterv2 "YetAnoter") has an odd number of hex digits: wmbusmeters reads whole bytes only
    const hex = t.telegram.length % 2 === 1 ? t.telegram.slice(0, -1) : t.telegram;
    out.push(session.read(fromHex(hex), { name: t.name, driver: t.driver, key, timestamp: "1111-11-11T11:11:11Z" }).reading);
  }
  return out;
}

