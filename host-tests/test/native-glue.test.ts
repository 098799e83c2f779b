/**
 * The XS glue (firmware/native/*_xs.c) compiles with -Wall -Wextra -Werror against the XS headers shipped in
 * @agoric/xsnap (XS 13.3), in the release and the debug (mxDebug) variant of the xs.h macros; every
 * native()/Native() name used by the TypeScript bindings exists in the glue; the manifest lists every C file.
 * How the flags were found: host-tests/native/README.md.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { glueCompileArgs, glueFiles, NATIVE_DIR, PURE_C, RADIO_C } from "../native/harness.js";

const dir = mkdtempSync(join(tmpdir(), "wmbus-glue-"));

function compile(file: string, extra: string[] = []): string {
  try {
    execFileSync("gcc", glueCompileArgs(file, join(dir, file.replace(/\.c$/, ".o")), extra), {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return "";
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return err.stderr || err.message;
  }
}

describe("XS glue", () => {
  const files = glueFiles();

  it("exists for CRC, 3-of-6/Manchester, the FIFO and the native radio task", () => {
    expect(files).toEqual(["wmbus_3of6_xs.c", "wmbus_crc_xs.c", "wmbus_fifo_xs.c", "wmbus_radio_xs.c"]);
  });

  for (const f of files) {
    it(`${f} compiles with gcc -c -Wall -Wextra -Werror against xsmc.h`, () => {
      expect(compile(f)).toBe("");
      expect(compile(f, ["-DmxDebug=1"])).toBe("");
    });
  }

  it("defines every native() and Native() name the TypeScript bindings use", () => {
    const glue = files.map((f) => readFileSync(join(NATIVE_DIR, f), "utf8")).join("\n");
    const ts = readdirSync(NATIVE_DIR).filter((f) => f.endsWith("-native.ts"));
    expect(ts.length).toBe(4);
    const names = new Set<string>();
    for (const f of ts) {
      for (const m of readFileSync(join(NATIVE_DIR, f), "utf8").matchAll(/\b(native|Native)\("(\w+)"\)/g)) {
        names.add(`${m[1]}:${m[2]}`);
      }
    }
    expect(names.size).toBeGreaterThan(10);
    for (const n of names) {
      const [kind, name] = n.split(":");
      const sig = kind === "Native" ? `void ${name}(void *` : `void ${name}(xsMachine *the)`;
      expect(glue, `${name} missing`).toContain(sig);
    }
  });

  it("manifest.json compiles every C file of firmware/native and maps the bindings", () => {
    const manifest = JSON.parse(readFileSync(join(NATIVE_DIR, "manifest.json"), "utf8")) as {
      modules: Record<string, string | string[]>;
      platforms: { esp32: { modules: Record<string, string | string[]>; preload: string[] } };
    };
    // the ESP-IDF radio task and its glue build on esp32 only
    const star = [...(manifest.modules["*"] as string[]), ...(manifest.platforms.esp32.modules["*"] as string[])];
    const cFiles = readdirSync(NATIVE_DIR).filter((f) => f.endsWith(".c"));
    for (const c of cFiles) expect(star).toContain("./" + c.replace(/\.c$/, ""));
    for (const c of PURE_C) expect(cFiles).toContain(c);
    // the hot modules are their native twins on esp32 (issue 16; resolution checked by platform-native-map.test.ts)
    expect(manifest.platforms.esp32.modules["wmbus/link/crc16"]).toBe("./crc-native");
    expect(manifest.platforms.esp32.modules["wmbus/phy/frame-assembler"]).toBe("./fifo-native");
    // firmware/main.ts imports it relatively (./native/radio-task-native.js from wmbus/main), so this is its name.
    expect(manifest.platforms.esp32.modules["wmbus/native/radio-task-native"]).toBe("./radio-task-native");
    expect(manifest.platforms.esp32.preload).toContain("wmbus/native/radio-task-native");
  });

  it("the radio task binding's field selectors and chip kinds match the C", () => {
    const glue = readFileSync(join(NATIVE_DIR, "wmbus_radio_xs.c"), "utf8");
    const ts = readFileSync(join(NATIVE_DIR, "radio-task-native.ts"), "utf8");
    const fields = [...glue.matchAll(/\bFIELD_(\w+)/g)].map((m) => m[1]).filter((f, i, a) => a.indexOf(f) === i);
    const camel = (f: string) => f.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    // enum order: WAITING, MODE, FORMAT, RSSI_HALF_DB, TIME, then the STATS array of the binding in order,
    // then the state IN_FRAME (the binding's IN_FRAME = FIRST_STAT + STATS.length)
    const stats = /const STATS = (?:Object.freeze\(\[|\[)([^\]]*)\]/.exec(ts)![1].match(/"(\w+)"/g)!.map((q) => q.slice(1, -1));
    expect(fields.slice(0, 5)).toEqual(["WAITING", "MODE", "FORMAT", "RSSI_HALF_DB", "TIME"]);
    expect(fields.slice(5, 5 + stats.length).map(camel)).toEqual(stats);
    expect(fields.slice(5 + stats.length)).toEqual(["IN_FRAME"]);
    expect(ts).toMatch(/const IN_FRAME = FIRST_STAT \+ STATS\.length;/);
    const header = readFileSync(join(NATIVE_DIR, "wmbus_radio_task.h"), "utf8");
    for (const [chip, n] of [["cc1101", 0], ["sx1262", 1]] as const) {
      expect(header).toContain(`#define WMBUS_CHIP_${chip.toUpperCase()} ${n}`);
      expect(ts).toMatch(new RegExp(`${chip}: ${n}\\b`));
    }
  });

  it("keeps the pure C free of XS", () => {
    for (const c of [...PURE_C, ...RADIO_C]) {
      const src = readFileSync(join(NATIVE_DIR, c), "utf8") + readFileSync(join(NATIVE_DIR, c.replace(/\.c$/, ".h")), "utf8");
      expect(src).not.toMatch(/#include\s+"xs/);
      expect(src).not.toMatch(/\bmalloc\(|\bcalloc\(|\bfree\(/);
    }
  });
});
