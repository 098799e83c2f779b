/**
 * Issue #18 acceptance with the real radio drivers: a command to a simulated valve in T2 and in C2 is sent by the
 * gateway's CC1101 or SX1262 driver on its chip model, inside the meter's response window as the meter's own
 * receiver on the air model judges it (host-tests/sim/downlink-receiver.ts: preamble start in the window, T2
 * downlink 868.3 MHz Manchester, C2 downlink 869.525 MHz 50 kchip/s), acked over the air, and the next telegram
 * reports the closed valve. A gateway too slow for the window (its telegram handling delayed) transmits late,
 * the meter does not take it, the command queue sees the late start and retries at the next window.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/util/hex.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { CommandQueue, type CommandOutcome } from "../../firmware/gateway/commands.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { stripFrameA } from "../../firmware/link/frame-format.js";
import type { Transmitter } from "../../firmware/radio/transmit.js";
import { Air } from "../sim/air.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio, type SimChipKind } from "../rigs/sim-radio.js";
import { ValveAir } from "../rigs/valve-air.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { nodeCipher } from "../../host/aes-node.js";

const cipher = nodeCipher();
const KEYS: Record<string, string> = { "11223344": "000102030405060708090A0B0C0D0E0F", "55667788": "0F0E0D0C0B0A09080706050403020100" };
const CLOSE = { kind: "snd_ud", id: "close-1", records: [{ dif: 1, vib: "FD1F", data: "00" }] };
const flush = async () => {
  for (let i = 0; i < 6; i++) await Promise.resolve();
};

function setup(chip: SimChipKind, slowFirst?: { meterId: string; ms: number }) {
  const scheduler = new Scheduler();
  const air = new Air(scheduler, { seed: 4 });
  const hub = new MemoryHub();
  const outcomes: CommandOutcome[] = [];
  const { config } = parseConfig({ gatewayId: "gw", meters: Object.entries(KEYS).map(([id, key]) => ({ id, key, name: "m" + id, driver: "auto" })) });
  let queue: CommandQueue | undefined;
  let slow = slowFirst;
  const gateway = new Gateway({
    config, clock: { now: () => scheduler.now / 1000 }, cipher, hub, dedup: { windowMs: 1 },
    onTelegram: (meterId, t, frame) => {
      const handle = () => void queue!.onTelegram(meterId, t, frame.mode as "T" | "C", frame.receivedAt);
      // a gateway busy elsewhere: the first telegram reaches the command queue late
      if (slow?.meterId === meterId) {
        scheduler.after(slow.ms * 1000, handle, "host");
        slow = undefined;
      } else handle();
    },
  });
  const diag: string[] = [];
  const radio = createSimRadio({
    chip, air, scheduler, listen: "TC", seed: 21, onDiagnostic: (m) => diag.push(`${scheduler.now} ${m}`),
    onFrame: (frame) => {
      const s = stripFrameA(frame.bytes);
      if (s && queue!.onAnswer(s)) return;
      gateway.handleFrame(frame);
    },
  });
  queue = new CommandQueue({
    now: () => scheduler.now / 1000, cipher,
    keyFor: (id) => (KEYS[id] ? fromHex(KEYS[id]) : undefined),
    isConfigured: (id) => config.meters.some((m) => m.id === id),
    transmitter: radio.radio as unknown as Transmitter, publish: (o) => outcomes.push(o),
  });
  const valves = new ValveAir({ air, cipher });
  valves.add({ id: "11223344", mode: "T", key: fromHex(KEYS["11223344"]), intervalMs: 60_000, firstAt: 1_000, kind: "valve" }, addressBytes("ELS", "11223344", 1, 0x21));
  valves.add({ id: "55667788", mode: "C", key: fromHex(KEYS["55667788"]), intervalMs: 60_000, firstAt: 2_000, kind: "valve" }, addressBytes("ELS", "55667788", 1, 0x21));
  const run = async (ms: number) => {
    const end = scheduler.now + ms * 1000;
    while (scheduler.now < end) {
      scheduler.advance(Math.min(500, end - scheduler.now));
      await flush();
    }
  };
  return { scheduler, hub, outcomes, queue: queue!, valves, radio, run, diag };
}

const states = (o: CommandOutcome[], id: string) => o.filter((x) => x.id === id).map((x) => x.state);

describe("commands sent by the real drivers on the chip models, inside the meter's window", () => {
  for (const chip of ["cc1101", "sx1262"] as const) {
    for (const [meterId, mode, window] of [["11223344", "T2", [2_000, 3_000]], ["55667788", "C2", [99_500, 100_500]]] as const) {
      it(`${chip}, ${mode}: the close command starts inside ${window[0] / 1000}–${window[1] / 1000} ms, is acked, the valve reports closed`, async () => {
        const g = setup(chip);
        expect(g.queue.submit(meterId, CLOSE, true)).toEqual({ ok: true, id: "close-1" });
        await g.run(65_000);
        expect(states(g.outcomes, "close-1")).toEqual(["queued", "sent", "acked"]);
        const heard = g.valves.heard.filter((h) => h.meter === meterId);
        expect(heard).toHaveLength(1);
        // the delay the meter saw: from the end of its telegram to the downlink's first preamble chip
        const up = g.valves.uplinks.filter((u) => u.meter === meterId && u.signal.end < heard[0].heard.start).pop()!;
        const delayUs = heard[0].heard.start - up.signal.end;
        expect(delayUs).toBeGreaterThanOrEqual(window[0]);
        expect(delayUs).toBeLessThanOrEqual(window[1]);
        const m = g.valves.meters.find((x) => x.o.id === meterId)!;
        expect(m.valve).toBe("closed");
        expect(m.log).toEqual(["SND-UD accepted, valve closed"]);
        const r = g.hub.readings.filter((x) => x.meterId === meterId).map((x) => x.reading.remote_control);
        expect(r[0]).toBe(1);
        expect(r[r.length - 1]).toBe(0);
        if (process.env.TX_FIGURES) console.log(chip, mode, "downlink starts", (delayUs / 1000).toFixed(3), "ms after the meter's frame");
      }, 30_000);
    }

    it(`${chip}: a window missed by a slow gateway (T2 +5 ms, C2 +150 ms) is seen, not taken by the meter, and retried`, async () => {
      for (const [meterId, slowMs] of [["11223344", 5], ["55667788", 150]] as const) {
        const g = setup(chip, { meterId, ms: slowMs });
        g.queue.submit(meterId, CLOSE, true);
        await g.run(125_000);
        const st = g.outcomes.filter((o) => o.id === "close-1");
        expect(st.map((o) => o.state)).toEqual(["queued", "queued", "sent", "acked"]);
        expect(st[1].detail).toMatch(/missed the window/);
        // the late downlink was not taken (T2: the meter's receiver saw it outside the window; C2: it had closed)
        if (meterId === "11223344") expect(g.valves.missed(meterId).some((x) => /window/.test(x.why))).toBe(true);
        const heard = g.valves.heard.filter((h) => h.meter === meterId);
        expect(heard).toHaveLength(1);
        const second = g.valves.uplinks.filter((u) => u.meter === meterId && !u.answer)[1];
        expect(heard[0].heard.start).toBeGreaterThan(second.signal.end);
        expect(g.valves.meters.find((x) => x.o.id === meterId)!.valve).toBe("closed");
      }
    }, 60_000);
  }
});
