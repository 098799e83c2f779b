/**
 * #15 CLI limits: a maximum --jsonl line length with a typed error for that line (streamed, never held whole),
 * every malformed field a typed error with the batch going on, and a documented exit status.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const cli = "bin/wmbus.js";
const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const IZAR = "1E4424238B07797389607A8F00107D041312170100426CBF23441344100100";
const lines = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l));

describe("wmbus decode --jsonl limits", () => {
  it("a 20 MB line is a line_too_long error for that line, the batch goes on, memory stays small", () => {
    const huge = JSON.stringify({ telegram: "00".repeat(10_000_000) });
    const input = JSON.stringify({ telegram: IZAR }) + "\n" + huge + "\n" + JSON.stringify({ telegram: IZAR }) + "\n";
    const r = spawnSync(process.execPath, ["-e", `
      const { main } = await import(${JSON.stringify(process.cwd() + "/build/host/cli.js")});
      const code = await main(["decode", "--jsonl"]);
      process.stderr.write("RSS " + process.memoryUsage().rss + " CODE " + code + "\\n");
    `, "--input-type=module"], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const out = lines(r.stdout);
    expect(out.map((o) => o.ok)).toEqual([true, false, true]);
    expect(out[1].error.code).toBe("line_too_long");
    expect(out[1].error.message).toContain("line 2");
    const rss = Number(/RSS (\d+)/.exec(r.stderr)![1]);
    expect(rss).toBeLessThan(200 * 1024 * 1024); // main: the whole line and its copies, 635 MB measured
    expect(r.stderr).toContain("CODE 3");
  }, 60_000);

  it("every malformed field is a typed error on its own line; the batch continues; exit status 3", () => {
    const bad = [
      { telegram: IZAR, prelude: "abc" },
      { telegram: IZAR, prelude: ["zz"] },
      { telegram: IZAR, key: "G".repeat(32) },
      { telegram: IZAR, key: "0011" },
      { telegram: IZAR, key: 5 },
      { telegram: IZAR, timestamp: "garbage" },
      { telegram: IZAR, timestamp: "2024-13-45T99:00:00Z" },
      { telegram: IZAR, colour: "red" },
      [IZAR],
    ];
    const input = [...bad.map((b) => JSON.stringify(b)), JSON.stringify({ telegram: IZAR })].join("\n");
    const r = run(["decode", "--jsonl"], input);
    const out = lines(r.stdout);
    expect(out).toHaveLength(bad.length + 1);
    for (let i = 0; i < bad.length; i++) {
      expect(out[i].ok, JSON.stringify(bad[i])).toBe(false);
      expect(out[i].bad_line, JSON.stringify(bad[i])).toBe(true);
      expect(out[i].error.code, JSON.stringify(bad[i])).toMatch(/^(bad_argument|bad_hex|bad_key)$/);
    }
    expect(out[2].error.message).toContain("not hex");
    expect(out[2].error.message).not.toContain("GGGG");
    expect(out[5].error.message).toContain("timestamp");
    expect(out[bad.length].ok).toBe(true);
    expect(out[bad.length].reading.timestamp).not.toBe("garbage");
    expect(r.status).toBe(3);
  });

  it("exit status 1 when a telegram did not decode, 0 when all did", () => {
    expect(run(["decode", "--jsonl"], JSON.stringify({ telegram: IZAR }) + "\n").status).toBe(0);
    expect(run(["decode", "--jsonl"], JSON.stringify({ telegram: "2E4493" }) + "\n").status).toBe(1);
  });
});

describe("wmbus decode options", () => {
  it("--key without a value, a non-hex key and a bad --timestamp are usage errors that say what is wrong", () => {
    const noValue = run(["decode", IZAR, "--key"]);
    expect(noValue.status).toBe(2);
    expect(noValue.stderr).toContain("--key needs a value");
    const notHex = run(["decode", IZAR, "--key", "X".repeat(32)]);
    expect(notHex.status).toBe(2);
    expect(notHex.stderr).toContain("not hex");
    expect(notHex.stderr).not.toContain("XXXX");
    const ts = run(["decode", IZAR, "--timestamp", "garbage"]);
    expect(ts.status).toBe(2);
    expect(ts.stderr).toContain("--timestamp must be a UTC time");
  });
});
