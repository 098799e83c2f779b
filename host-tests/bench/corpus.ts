/** The shared corpus for the bench, reduced to what the bench needs (see xs-harness.ts BenchRecord). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRecord } from "./xs-harness.js";

/** The corpus sits beside the repository (../shared/corpus); found from the source or the build tree. */
export function corpusPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, "shared/corpus/wmbus-telegrams.jsonl");
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return "../shared/corpus/wmbus-telegrams.jsonl";
}

/** Both corpus files, in index order: the first file, then `wmbus-telegrams-more.jsonl` beside it (see the corpus README). */
export function corpusPaths(): string[] {
  const first = corpusPath();
  return [first, join(dirname(first), "wmbus-telegrams-more.jsonl")];
}

/** One line of the corpus JSONL, as stored (the fields the host tools read; see the corpus README). */
export interface CorpusLine {
  index: number;
  id: string | null;
  test_name: string | null;
  driver: string | null;
  key: string | null;
  telegram: string;
  prelude: string[];
  expected: Record<string, unknown> | null;
  decrypt_check: string;
  frame: Record<string, unknown>;
  notes?: string[];
}

/** Every corpus line, in corpus order. */
export function readCorpusLines(path = corpusPath()): CorpusLine[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CorpusLine);
}

/**
 * The meter name is configuration, not telegram content. The corpus' test_name is the meter name
 * for most records but a test title for some; the name the expected JSON echoes is the configured one.
 */
export function configuredName(r: CorpusLine): string {
  const n = r.expected?.name;
  return typeof n === "string" ? n : r.test_name ?? "";
}

export interface CorpusEntry extends BenchRecord {
  decryptCheck: string;
  ciChain: string[];
}

/** All corpus records, in corpus order, with their configured meter name. */
export function loadBenchCorpus(path = corpusPath()): CorpusEntry[] {
  return readCorpusLines(path).map((r) => ({
      index: r.index,
      telegram: r.telegram,
      prelude: r.prelude,
      key: r.key,
      driver: r.driver,
      name: configuredName(r),
      decryptCheck: r.decrypt_check,
      ciChain: Array.isArray(r.frame?.ci_chain) ? (r.frame.ci_chain as string[]) : [],
    }));
}

/** Only the fields the XS harness reads (keeps the generated data module small). */
export function benchRecords(list: readonly CorpusEntry[]): BenchRecord[] {
  return list.map(({ index, telegram, prelude, key, driver, name }) => ({ index, telegram, prelude, key, driver, name }));
}
