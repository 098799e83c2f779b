import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Tracked text files of the repository (git's own list, so build output and node_modules are out). */
function trackedText(): string[] {
  const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\0").filter((f) => /\.(ts|js|mjs|json|md|c|h|txt|yml|yaml|css|html)$/.test(f) || f === ".ci/run");
}

/** Lines that start a merge-conflict region (`<<<<<<< `), split it (`=======` alone) or end it (`>>>>>>> `). */
function conflictMarkers(text: string): number[] {
  const lines = text.split("\n");
  const at: number[] = [];
  lines.forEach((l, i) => {
    if (/^<{7} \S/.test(l) || /^>{7} \S/.test(l)) at.push(i + 1);
  });
  return at;
}

describe("repository text", () => {
  it("the marker check finds a planted conflict", () => {
    expect(conflictMarkers("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> cmd\n")).toEqual([2, 6]);
    expect(conflictMarkers("a\n<<<< not one\n")).toEqual([]);
  });

  it("no tracked file holds a merge-conflict marker", () => {
    const bad: string[] = [];
    for (const f of trackedText()) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, f), "utf8");
      } catch {
        continue; // listed by git but deleted in the work tree
      }
      const at = conflictMarkers(text);
      if (at.length) bad.push(`${f}: lines ${at.join(", ")}`);
    }
    expect(bad).toEqual([]);
  });
});
