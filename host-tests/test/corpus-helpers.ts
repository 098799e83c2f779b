import type { CorpusRecord } from "../xs/corpus-runner.js";
import { corpusPath, readCorpusLines } from "../bench/corpus.js";

/** The shared corpus sits beside the repository (../shared/corpus), as in CI. */
export const CORPUS_PATH = corpusPath();

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
  return readCorpusLines(CORPUS_PATH) as FullCorpusRecord[];
}
