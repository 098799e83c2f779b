import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { cliInput } from "../bench/cli-bench.js";

/** The `wmbus` CLI as a user runs it (built by `npm run build`, which `npm test` runs first). */
const cli = join(dirname(fileURLToPath(import.meta.url)), "../../bin/wmbus.js");
const run = (args: string[], input?: string) => spawnSync("node", [cli, ...args], { input, encoding: "utf8", maxBuffer: 1 << 28 });

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

  // corpus #138: a Hydrometer IZAR RS water meter (reserved CFG mode 29 over plain records)
  const izarRs = "1E4424238B07797389607A8F00107D041312170100426CBF23441344100100";

  it("--jsonl answers each line while its input is still open (a live stream is not held back for a batch)", async () => {
    const child = spawn("node", [cli, "decode", "--jsonl", "--timestamp", "2024-05-01T12:00:00Z"], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d: string) => {
        out += d;
        if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
      });
      child.on("exit", () => reject(new Error("the CLI exited before answering")));
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      child.stdin.write(JSON.stringify({ telegram: izarRs }) + "\n"); // stdin stays open until the answer came
      const line = JSON.parse(await firstLine);
      expect(line.ok).toBe(true);
      expect(line.reading.total_m3).toBe(71.442);
      child.stdin.end();
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
  }, 10_000);

  it("adds the reading (detected driver, --name, --timestamp) to the single-telegram output", () => {
    const r = run(["decode", izarRs, "--name", "Cellar", "--timestamp", "2024-05-01T12:00:00Z"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).reading).toEqual({
      _: "telegram", media: "water", meter: "hydrus", name: "Cellar", id: "60897379",
      total_m3: 71.442, total_at_date_m3: 69.7, at_date: "2021-03-31", status: "OK", timestamp: "2024-05-01T12:00:00Z",
    });
  });

  it("--driver forces a driver; an unknown driver is a usage error; the default timestamp is UTC ISO", () => {
    const reading = JSON.parse(run(["decode", izarRs, "--driver", "unknown"]).stdout).reading;
    expect(reading).toMatchObject({ meter: "unknown", name: "", total_m3: 71.442, target_m3: 69.7, target_date: "2021-03-31" });
    expect(reading.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const bad = run(["decode", izarRs, "--driver", "nosuchmeter"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown driver "nosuchmeter"');
  });

  it("--jsonl: every line gets its reading; request fields override the options; a frame without a meter has none", () => {
    const input = [
      JSON.stringify({ telegram: izarRs, name: "A", timestamp: "2024-05-01T12:00:00Z" }),
      JSON.stringify({ telegram: izarRs, driver: "unknown" }),
      JSON.stringify({ telegram: izarRs, driver: "bogus" }),
      JSON.stringify({ telegram: "2E4493" }),
    ].join("\n");
    const lines = run(["decode", "--jsonl", "--name", "B", "--timestamp", "2020-01-01T00:00:00Z"], input).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0].reading).toMatchObject({ meter: "hydrus", name: "A", total_m3: 71.442, timestamp: "2024-05-01T12:00:00Z" });
    expect(lines[1].reading).toMatchObject({ meter: "unknown", name: "B", total_m3: 71.442, timestamp: "2020-01-01T00:00:00Z" });
    expect(lines[2].error).toMatchObject({ code: "bad_argument", message: 'unknown driver "bogus"' });
    expect(lines[3].ok).toBe(false);
    expect(lines[3].reading).toBeUndefined();
  });

  it("--reading-only: per line the same ok, error and reading as the full output, nothing else (both corpus files)", () => {
    const input = cliInput(1);
    const full = run(["decode", "--jsonl", "--timestamp", "2024-05-01T12:00:00Z"], input.text).stdout.trim().split("\n").map((l) => JSON.parse(l));
    const only = run(["decode", "--jsonl", "--reading-only", "--timestamp", "2024-05-01T12:00:00Z"], input.text).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(only.length).toBe(input.lines);
    expect(full.length).toBe(input.lines);
    for (let i = 0; i < input.lines; i++) {
      const f = full[i];
      expect(only[i]).toEqual({ ok: f.ok, ...(f.error ? { error: f.error } : {}), ...(f.reading ? { reading: f.reading } : {}), ...(f.bad_line ? { bad_line: true } : {}) });
    }
    expect(only.filter((l) => l.reading !== undefined).length).toBeGreaterThan(500);
  });

  it("a wrong key gives ok:false and a reading that says so, without the key", () => {
    const key = "00112233445566778899AABBCCDDEEF0";
    const r = run(["decode", "2E44 9315 78563412 3303 7A 2A00 2025 5923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3", "--key", key]);
    const out = JSON.parse(r.stdout);
    expect(out.error.code).toBe("wrong_key");
    expect(out.reading).toMatchObject({ id: "12345678", error: "decryption failed, please check key" });
    expect(r.stdout).not.toContain(key);
  });
});

describe("OutputBatch", () => {
  it("writes every line once, in order, with a flush after each; what it handed over never changes; buffers only when full", async () => {
    const { OutputBatch } = await import("../../host/output-lines.js");
    const pieces: { bytes: Buffer; copy: string }[] = [];
    const out = new OutputBatch((b) => pieces.push({ bytes: b, copy: b.toString("utf8") }), 64);
    const lines = ["a", "bb", "Grüße 10 °C", "x".repeat(100), "", "last"];
    for (const l of lines) {
      out.add(l);
      out.flush();
      out.flush(); // nothing new: no write
    }
    expect(pieces.map((p) => p.copy).join("")).toBe(lines.map((l) => l + "\n").join(""));
    expect(pieces).toHaveLength(lines.length);
    for (const p of pieces) expect(p.bytes.toString("utf8")).toBe(p.copy); // not overwritten by later lines
    // the second line went on in the first line's buffer, right after it (no new buffer per flush)
    const [first, second] = pieces.map((p) => p.bytes);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(first.byteOffset + first.length);
  });
});
