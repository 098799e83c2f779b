/** Shared checks of the gateway tests: readings against what the simulated apartment sent. */
import { expect } from "vitest";
import type { Reading } from "../../firmware/meters/types.js";
import type { Apartment } from "../sim/apartment.js";
import { DirectFrameSource } from "../rigs/gateway-direct-source.js";

export interface ReceivedReading {
  meterId: string;
  telegramId: string;
  reading: Reading;
}

/**
 * Every telegram of every configured meter the gateway can hear must give exactly one reading, in order, with
 * the values the meter encoded; meters it cannot hear (other channel, neighbours) none. `heard` (through the
 * air: did the driver deliver an intact frame of this telegram?) narrows the telegrams expected; the caller
 * checks that the others were lost for a reason (collision, too weak).
 */
export function checkReadings(ap: Apartment, readings: readonly ReceivedReading[], listen: "TC" | "S", heard?: (meterId: string, seq: number) => boolean): { meters: number; telegrams: number } {
  let meters = 0;
  let telegrams = 0;
  for (const m of ap.meters) {
    const got = readings.filter((r) => r.meterId === m.id);
    if (!m.configured || !DirectFrameSource.hears(listen, m.mode)) {
      expect(got, m.describe()).toHaveLength(0);
      continue;
    }
    const want = heard ? m.sent.filter((e) => heard(e.meterId, e.seq)) : m.sent;
    expect(got.length, m.describe()).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      expect(got[i].reading.error, `${m.describe()} #${i + 1}`).not.toBe("decryption failed, please check key");
      for (const [field, v] of Object.entries(want[i].values)) {
        const actual = got[i].reading[field];
        if (typeof v === "number") expect(actual, `${m.describe()} #${i + 1} ${field}`).toBeCloseTo(v, 6);
        else expect(actual, `${m.describe()} #${i + 1} ${field}`).toBe(v);
      }
    }
    expect(new Set(got.map((r) => r.telegramId)).size).toBe(got.length);
    meters++;
    telegrams += want.length;
  }
  return { meters, telegrams };
}
