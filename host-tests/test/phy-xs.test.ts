import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport, runInNodeAndXs } from "../xs/node-and-xs.js";

/**
 * The PHY code runs on the device under XS. One esbuild bundle encodes pseudo-random frames in every mode,
 * feeds them through the FrameAssembler in chunks, decodes corrupted 3-of-6/Manchester chips and tabulates
 * detectTC and the lengths for every L; Node and xsnap (XS 13.3) must print the same lines.
 */
const imp = (p: string) => repoImport("firmware/" + p);

const ENTRY = `
import { addFrameACrc, addFrameBCrc } from ${imp("link/frame-format.ts")};
import { crc16 } from ${imp("link/crc16.ts")};
import { toHex } from ${imp("util/hex.ts")};
import { FrameAssembler } from ${imp("phy/frame-assembler.ts")};
import { decodeManchester, encodeManchester } from ${imp("phy/manchester.ts")};
import { LINK_MODES, airtimeMicros } from ${imp("phy/modes.ts")};
import { fifoBytes } from ${imp("phy/on-air.ts")};
import { detectTC, fifoLength, packetLength } from ${imp("phy/sync.ts")};
import { decode3of6, encode3of6 } from ${imp("phy/three-of-six.ts")};
import { lcg } from ${repoImport("host-tests/sim/random-frames.ts")};
${ENTRY_OUT}
const rnd = lcg(0x13757);
const kinds = ["T", "CA", "CB", "S"];
for (let i = 0; i < 200; i++) {
  const kind = kinds[i & 3];
  const len = kind === "CB" ? 11 + rnd(242) : 10 + rnd(247);
  const body = new Uint8Array(len);
  for (let k = 0; k < len; k++) body[k] = rnd(256);
  body[0] = len - 1;
  const frame = kind === "CB" ? addFrameBCrc(body) : addFrameACrc(body);
  const mode = kind === "CA" || kind === "CB" ? "C" : kind;
  const raw = fifoBytes(mode, kind === "CB" ? "B" : "A", frame, rnd(4));
  if (rnd(4) === 0) raw[rnd(raw.length)] ^= 1 << rnd(8);
  const a = new FrameAssembler(mode === "S" ? "S" : "TC");
  let p = 0, st = 0, used = 0;
  while (p < raw.length && st === 0) { const n = 1 + rnd(40); st = a.feed(raw, p, Math.min(n, raw.length - p)); used += a.consumed; p += n; }
  out([kind, st, used, a.mode, a.format, a.rawTotal, a.errorAt, a.length, crc16(a.frame()).toString(16)].join(" "));
}
for (let i = 0; i < 100; i++) {
  const b = new Uint8Array(1 + rnd(30));
  for (let k = 0; k < b.length; k++) b[k] = rnd(256);
  const c = encode3of6(b), m = encodeManchester(b);
  c[rnd(c.length)] ^= 1 << rnd(8);
  m[rnd(m.length)] ^= 1 << rnd(8);
  const r = decode3of6(c, b.length), s = decodeManchester(m, b.length);
  out(["c", r.ok, r.errorAt, toHex(r.bytes), s.ok, s.errorAt, toHex(s.bytes)].join(" "));
}
const det = {};
for (let i = 0; i < 3000; i++) {
  const h = new Uint8Array([rnd(4) === 0 ? 0x54 : rnd(256), rnd(256), rnd(256)]);
  const d = detectTC(h);
  const key = d.kind + ":" + (d.error || d.mode + d.format);
  det[key] = (det[key] || 0) + 1;
}
out(JSON.stringify(det));
const lens = [];
for (let l = 0; l < 256; l++) lens.push([packetLength("T", "A", l), packetLength("C", "B", l), fifoLength("T", "A", l), fifoLength("S", "A", l)].join(","));
out(lens.join(";"));
out(LINK_MODES.map((m) => m.name + "=" + airtimeMicros(m, "A", 0x2e)).join(" "));
`;

describe("PHY under XS", () => {
  it("prints identical results under Node and xsnap", async () => {
    const { node, xs } = await runInNodeAndXs("phy", ENTRY);
    expect(node.length).toBe(200 + 100 + 3);
    expect(node.filter((l) => / 1 \d+ [TCS] [AB] /.test(l)).length).toBeGreaterThan(120); // most frames complete
    expect(xs).toEqual(node);
  });
});
