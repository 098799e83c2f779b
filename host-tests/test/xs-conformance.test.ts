import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { loadCorpus } from "./corpus-helpers.js";
import { runCorpus } from "../xs/corpus-runner.js";
import { nodeCipher } from "../../host/aes-node.js";
import { writeTempModule } from "../xs/xsnap.js";
import { firmwarePreloadJs, runUnderXsPreloaded } from "../xs/preload-emulation.js";

/**
 * The same compiled core (tsc output in build/) runs under the real XS engine and must print, for the whole
 * corpus, exactly the JSON that Node prints. Node uses node:crypto AES, XS the portable @noble/ciphers AES.
 * Under XS the modules of the manifest's preload list are frozen as the device's linker freezes them
 * (host-tests/xs/preload-emulation.ts): a module-level cache, a preloaded WeakMap key or a preloaded object in
 * the output throws there as it would on the device.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const built = (p: string) => join(root, "build", p);

describe("XS engine conformance", () => {
  it("decodes the whole corpus byte-identically to Node", async () => {
    expect(existsSync(built("host-tests/xs/corpus-runner.js")), "run `npm run build` first").toBe(true);
    const corpus = loadCorpus().map(({ index, telegram, key, prelude }) => ({ index, telegram, key, prelude }));
    const node: string[] = [];
    runCorpus(corpus, nodeCipher(), (l) => node.push(l));

    const data = writeTempModule("corpus-data.js", "export default " + JSON.stringify(corpus) + ";\n");
    const lines = await runUnderXsPreloaded(
      `import data from ${JSON.stringify(data)};
import { runCorpus } from ${JSON.stringify(built("host-tests/xs/corpus-runner.js"))};
import { nobleCipher } from ${JSON.stringify(built("host-tests/support/aes-noble.js"))};`,
      `runCorpus(data, nobleCipher(), (line) => print(line));`,
      firmwarePreloadJs(root),
    );
    const [modules, objects] = lines[0].split(" ").slice(1).map(Number);
    expect(modules, "preloaded modules the decoder imports").toBeGreaterThan(30);
    expect(objects, "preloaded objects (VIF, DIF and CI tables, functions, classes)").toBeGreaterThan(500);
    const xs = lines.slice(1);
    expect(xs.length).toBe(node.length);
    let same = 0;
    for (let i = 0; i < node.length; i++) {
      if (xs[i] === node[i]) same++;
      else expect(xs[i], `record ${corpus[i].index}`).toBe(node[i]);
    }
    console.log(`XS (${modules} modules, ${objects} objects preloaded) vs Node: ${same}/${node.length} corpus records byte-identical`);
    expect(same).toBe(node.length);
  }, 240_000);
});
