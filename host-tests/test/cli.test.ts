import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/** The `wmbus` CLI as a user runs it (built by `npm run build`, which `npm test` runs first). */
const cli = join(dirname(fileURLToPath(import.meta.url)), "../../bin/wmbus.js");
const run = (args: string[], input?: string) => spawnSync("node", [cli, ...args], { input, encoding: "utf8" });

describe("wmbus decode", () => {
  it("decodes one telegram with a key into the stable JSON shape", () => {
    const r = run(["decode", "2E44 9315 78563412 3303 7A 2A00 2025 5923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3", "--key", "0102030405060708090A0B0C0D0E0F11"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.frame).toMatchObject({ manufacturer: "ELS", id: "12345678", version: "33", device_type: "03", ci: ["7A"], security_mode: 5, dll_crc: "none" });
    expect(out.records[0]).toMatchObject({ quantity: "volume", value: 28504.27, unit: "m3" });
  });

  it("--analyze adds a layer view covering the frame", () => {
    const out = JSON.parse(run(["decode", "6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916", "--analyze"]).stdout);
    expect(out.analyze.map((s: { layer: string }) => s.layer)).toEqual(["mbus", "mbus", "mbus", "headers", "apl", "apl", "apl"]);
  });

  it("reports typed errors with exit code 1, usage errors with 2", () => {
    const bad = run(["decode", "2E4493"]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe("truncated");
    expect(JSON.parse(run(["decode", "2E4G"]).stdout).error.code).toBe("bad_hex");
    expect(run(["decode", "--bogus"]).status).toBe(2);
    expect(run(["frobnicate"]).status).toBe(2);
  });

  it("--jsonl: one output line per input line, prelude teaches compact formats, bad lines become errors", () => {
    const full = "5C442D2C06357260190C8D207B70032F21271D7802F9FF15011104061765000004EEFF07BFA8000004EEFF08D24F00000414B1FB000002FD170000026CE919426CFF184406F76400004414E8FA0000043B0B0000000259DB11025D1C0B5B";
    const compact = "3F442D2C06357260190C8D207C71032F21255C79DD829283011117650000BFA80000D24F0000B1FB00000000E919FF18F7640000E8FA00000B000000DB111C0B5B";
    const input = [
      JSON.stringify({ telegram: compact, prelude: [full] }),
      "not json",
      JSON.stringify({ telegram: 42 }),
      JSON.stringify({ telegram: "2E4493" }),
    ].join("\n");
    const lines = run(["decode", "--jsonl"], input).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].ok).toBe(true);
    expect(lines[0].records).toHaveLength(13);
    expect(lines[0].frame.compact_signature).toBe("82DD");
    expect(lines.slice(1).map((l) => l.error.code)).toEqual(["bad_argument", "bad_argument", "truncated"]);
  });
});
