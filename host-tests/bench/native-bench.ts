/** Compiles native-bench.c with the pure C of firmware/native (gcc -O2, temp dir) and runs it. */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "../../firmware/util/hex.js";
import { twinInputs, type NsPerByte } from "./node-bench.js";
import { ROOT } from "./xs-stages.js";

export function nativeTwins(): NsPerByte {
  const dir = mkdtempSync(join(tmpdir(), "wmbus-nbench-"));
  const bin = join(dir, "native-bench");
  const nat = join(ROOT, "firmware/native");
  execFileSync(
    "gcc",
    ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", nat, join(nat, "wmbus_crc.c"), join(nat, "wmbus_3of6.c"), join(ROOT, "host-tests/bench/native-bench.c"), "-o", bin],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const { data, framed, chips, n3of6 } = twinInputs();
  const out = execFileSync(bin, [], { input: `${toHex(data)}\n${toHex(framed)}\n${toHex(chips)}\n${n3of6}\n`, encoding: "utf8" });
  const v: { [k: string]: number } = {};
  for (const line of out.trim().split("\n")) {
    const [k, n] = line.split(" ");
    v[k] = Number(n);
  }
  return { crc: v.crc, strip: v.strip, threeOfSix: v["3of6"] };
}
