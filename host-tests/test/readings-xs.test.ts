import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTempModule } from "../xs/xsnap.js";
import { firmwarePreloadJs, runUnderXsPreloaded } from "../xs/preload-emulation.js";
import { compareCorpus, readingJobs } from "../bench/readings-table.js";

/**
 * Readings must come out identically under XS: the compiled reading session (tsc output in build/)
 * runs the whole corpus under xsnap with the portable AES and must print, reading by reading, the
 * JSON that Node prints (bench/readings-table.ts, node:crypto AES). The preloaded modules are frozen as on the
 * device (host-tests/xs/preload-emulation.ts): driver tables, unit and status tables included.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const built = (p: string) => JSON.stringify(join(root, "build", p));

describe("readings under XS", () => {
  it("are byte-identical to Node for the whole corpus", async () => {
    expect(existsSync(join(root, "build/firmware/meters/session.js")), "run `npm run build` first").toBe(true);
    const node = compareCorpus().readings.map((r) => JSON.stringify(r));
    const data = writeTempModule("reading-jobs.js", "export default " + JSON.stringify(readingJobs()) + ";\n");
    // the same steps as runJobs() in bench/readings-table.ts: runReadingJob of firmware/host/replay.ts
    const lines = await runUnderXsPreloaded(
      `import jobs from ${JSON.stringify(data)};
import { TelegramDecoder } from ${built("firmware/decoder/decoder.js")};
import { ReadingSession } from ${built("firmware/meters/session.js")};
import { KeyStore } from ${built("firmware/security/key-store.js")};
import { runReadingJob } from ${built("firmware/host/replay.js")};
import { nobleCipher } from ${built("host-tests/support/aes-noble.js")};`,
      `const cipher = nobleCipher();
const keys = new KeyStore();
const session = new ReadingSession(new TelegramDecoder({ cipher, keys }));
for (const j of jobs) {
  const r = runReadingJob(session, keys, j);
  if (r !== undefined) print(JSON.stringify({ index: j.index, reading: r.reading }));
}`,
      firmwarePreloadJs(root),
    );
    expect(lines[0]).toMatch(/^preload \d+ \d+$/);
    const xs = lines.slice(1);
    expect(xs.length).toBe(node.length);
    let same = 0;
    for (let i = 0; i < node.length; i++) {
      if (xs[i] === node[i]) same++;
      else expect(xs[i]).toBe(node[i]);
    }
    console.log(`readings XS vs Node: ${same}/${node.length} identical`);
  }, 240_000);
});
