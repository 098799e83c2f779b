/**
 * #15 identity binding: a telegram belongs to a configured meter only when its meter identity (TPL long-header
 * address where present, else the link address) is configured. Spoofed frames with a configured link address
 * and a foreign TPL id go to the bounded unknown-meter table only.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { crc16 } from "../../firmware/link/crc16.js";
import { gatewayWith, radio, spoofFrame } from "../fuzz/hostile-frames.js";

const SETTINGS = { meters: [{ id: "12345678", name: "gas", driver: "auto" }] };

describe("identity binding", () => {
  it("our CRC matches the EN 13757-4 CRC-16 check value (0x3D65 over \"123456789\", complemented)", () => {
    // CRC-16/EN-13757: poly 0x3D65, init 0, xorout 0xFFFF; check value 0xC2B7 (catalogue of parametrised CRCs).
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0xc2b7);
  });

  it("a frame with the configured link address and another TPL id is an unknown meter, not a reading", () => {
    const { gateway, hub } = gatewayWith(SETTINGS);
    expect(gateway.handleFrame(radio(spoofFrame(0x87654321)))).toBe("unknown_meter");
    expect(hub.readings).toHaveLength(0);
    expect(gateway.unknownMeters().map((u) => u.id)).toContain("87654321");
    // the meter's own TPL id (= the configured one) still reads
    expect(gateway.handleFrame(radio(spoofFrame(0x12345678, 0x2c)))).toBe("reading");
    expect(hub.readings.map((r) => r.meterId)).toEqual(["12345678"]);
  });

  it("a spoof flood keeps memory flat and publishes nothing (20 000 fresh TPL ids in a child node with --expose-gc)", () => {
    // The child runs the compiled script (npm test builds first); `npm run fuzz` runs the full 100 000.
    const out = execFileSync(process.execPath, ["--expose-gc", "build/host-tests/fuzz/spoof-flood.js", "20000"], { encoding: "utf8", timeout: 120_000 });
    const res = JSON.parse(out.trim().split("\n").pop()!);
    expect(res.readings).toBe(0);
    expect(res.submitted).toBe(0);
    expect(res.unknownFrames).toBe(20000);
    expect(res.unknownMeters).toBeLessThanOrEqual(64);
    expect(res.heapGrowthBytes).toBeLessThan(1_000_000);
  }, 180_000);
});
