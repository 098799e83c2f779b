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

interface RawRecord {
  index: number;
  test_name: string | null;
  driver: string | null;
  key: string | null;
  telegram: string;
  prelude: string[];
  expected: Record<string, unknown> | null;
  decrypt_check: string;
  frame: Record<string, unknown>;
}

export interface CorpusEntry extends BenchRecord {
  decryptCheck: string;
  ciChain: string[];
}

/** All corpus records, in corpus order. The meter name is the configured one (expected.name, else test_name). */
export function loadBenchCorpus(path = corpusPath()): CorpusEntry[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as RawRecord)
    .map((r) => ({
      index: r.index,
      telegram: r.telegram,
      prelude: r.prelude,
      key: r.key,
      driver: r.driver,
      name: typeof r.expected?.name === "string" ? r.expected.name : r.test_name ?? "",
      decryptCheck: r.decrypt_check,
      ciChain: Array.isArray(r.frame?.ci_chain) ? (r.frame.ci_chain as string[]) : [],
    }));
}

/** Only the fields the XS harness reads (keeps the generated data module small). */
export function benchRecords(list: readonly CorpusEntry[]): BenchRecord[] {
  return list.map(({ index, telegram, prelude, key, driver, name }) => ({ index, telegram, prelude, key, driver, name }));
}
