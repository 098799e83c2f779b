import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { CorpusRecord } from "../xs/corpus-runner.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The shared corpus sits beside the repository (../shared/corpus), as in CI. */
export const CORPUS_PATH = join(here, "../../../shared/corpus/wmbus-telegrams.jsonl");

export interface FullCorpusRecord extends CorpusRecord {
  test_name: string | null;
  driver: string | null;
  id: string | null;
  expected: Record<string, unknown> | null;
  frame: Record<string, unknown>;
  decrypt_check: string;
  notes: string[];
}

export function loadCorpus(): FullCorpusRecord[] {
  return readFileSync(CORPUS_PATH, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}
