/**
 * #15 no downgrade: a meter configured with a key accepts only telegrams that decrypted and verified with it.
 * The two frames of the issue (security mode 0, and "mode 5" whose payload is plaintext starting with 2F2F)
 * are refused with their own counted code, unless the meter's settings allow unencrypted telegrams.
 */
import { describe, expect, it } from "vitest";
import { frameA, gatewayWith, radio } from "../fuzz/hostile-frames.js";

const KEY = "000102030405060708090A0B0C0D0E0F";
/** Issue frame 1: security mode 0, volume 99999.999 m³ (CI 7A, CFG 0000). */
const PLAIN = frameA("144493157856341233037A2B0000000C1399999999");
/** Issue frame 2: CFG 0510 = mode 5, one block, but the "ciphertext" is plaintext starting with 2F2F. */
const IN_PLACE = frameA("004493157856341233037A2C0010052F2F0C13999999992F2F2F2F2F2F2F2F");

describe("no encryption downgrade", () => {
  it("the frame-A CRCs of frame 1 are the EN 13757-4 CRC-16 of each block", () => {
    // first block: 10 bytes + CRC; then the 11 remaining bytes + CRC (our CRC is checked against the standard's
    // check value in hostile-identity.test.ts)
    expect(PLAIN.length).toBe(21 + 4);
    expect(Array.from(PLAIN.subarray(0, 10))).toEqual([0x14, 0x44, 0x93, 0x15, 0x78, 0x56, 0x34, 0x12, 0x33, 0x03]);
  });

  for (const [name, frame] of [["security mode 0", PLAIN], ["plaintext in place of mode 5", IN_PLACE]] as const) {
    it(`${name} for a keyed meter → refused, counted, nothing published`, () => {
      const { gateway, hub } = gatewayWith({ meters: [{ id: "12345678", key: KEY }] });
      expect(gateway.handleFrame(radio(frame))).toBe("decode_error");
      expect(hub.readings).toHaveLength(0);
      expect(gateway.stats().decodeErrors.unencrypted_for_keyed_meter).toBe(1);
      expect(gateway.stats().readings).toBe(0);
    });

    it(`${name} with allowUnencrypted → published and marked`, () => {
      const { gateway, hub, problems } = gatewayWith({ meters: [{ id: "12345678", key: KEY, allowUnencrypted: true }] });
      expect(problems).toEqual([]);
      expect(gateway.handleFrame(radio(frame))).toBe("reading");
      expect(hub.readings).toHaveLength(1);
      expect(hub.readings[0].reading.total_m3).toBeCloseTo(99999.999, 3);
      expect(hub.readings[0].reading.payload_state).toMatch(/^(plaintext|plaintext_in_place)$/);
    });

    it(`${name} for a meter without a key → a reading, unmarked`, () => {
      const { gateway, hub } = gatewayWith({ meters: [{ id: "12345678" }] });
      expect(gateway.handleFrame(radio(frame))).toBe("reading");
      expect(hub.readings[0].reading.payload_state).toBeUndefined();
    });
  }
});

describe("a refused telegram leaves no trace", () => {
  it("its values do not become the base of the meter's next reading", async () => {
    const { ReadingSession } = await import("../../firmware/meters/session.js");
    const { TelegramDecoder } = await import("../../firmware/decoder/decoder.js");
    const session = new ReadingSession(new TelegramDecoder());
    session.read(PLAIN, { timestamp: "2026-01-01T00:00:00Z", keep: () => false });
    expect(session.last.size).toBe(0);
    session.read(PLAIN, { timestamp: "2026-01-01T00:00:00Z" });
    expect(session.last.size).toBe(1);
  });
});
