/**
 * Issue #18 acceptance "response windows and commands": simulated bidirectional meters (host-tests/rigs/bidir-air.ts)
 * in T2 and C2 with real window timing, the gateway pipeline, the command queue (firmware/gateway/commands.ts)
 * and a simulated transceiver behind the Transmitter seam.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { CommandQueue, type CommandOutcome } from "../../firmware/gateway/commands.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { stripFrameA } from "../../firmware/link/frame-format.js";
import { WINDOW_C2_FAST, WINDOW_T2 } from "../../firmware/gateway/response-window.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { VirtualClock } from "../sim/mbus/virtual-clock.js";
import { BidirAir, SimTransceiver } from "../rigs/bidir-air.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { nodeCipher } from "../../host/aes-node.js";

const cipher = nodeCipher();
const KEYS: Record<string, string> = {
  "11223344": "000102030405060708090A0B0C0D0E0F",
  "55667788": "0F0E0D0C0B0A09080706050403020100",
  "99887766": "00112233445566778899AABBCCDDEEFF",
};
const CLOSE = { kind: "snd_ud", id: "close-1", records: [{ dif: 1, vib: "FD1F", data: "00" }] };

function setup(prepareMs = 1) {
  const clock = new VirtualClock();
  const hub = new MemoryHub();
  const outcomes: CommandOutcome[] = [];
  const { config, problems } = parseConfig({
    gatewayId: "gw",
    meters: [
      ...Object.entries(KEYS).map(([id, key]) => ({ id, key, name: "m" + id, driver: "auto" })),
      { id: "12121212", name: "no key", driver: "auto" },
    ],
  });
  expect(problems).toEqual([]);
  let queue: CommandQueue | undefined;
  const pendingSends: Promise<void>[] = [];
  const gateway = new Gateway({
    config, clock: { now: () => clock.now() }, cipher, hub, dedup: { windowMs: 1 },
    onTelegram: (meterId, t, frame) => {
      const p = queue!.onTelegram(meterId, t, frame.mode as "T" | "C", frame.receivedAt);
      if (p) pendingSends.push(p);
    },
  });
  const air = new BidirAir({
    clock, cipher,
    toGateway: (frame) => {
      const s = stripFrameA(frame.bytes);
      if (s && queue!.onAnswer(s)) return;
      gateway.handleFrame(frame);
    },
  });
  const radio = new SimTransceiver(clock, air, prepareMs);
  queue = new CommandQueue({
    now: () => clock.now(), cipher,
    keyFor: (id) => (KEYS[id] ? fromHex(KEYS[id]) : undefined),
    isConfigured: (id) => config.meters.some((m) => m.id === id),
    transmitter: radio, publish: (o) => outcomes.push(o),
  });
  const valveT = air.add({ id: "11223344", mode: "T", key: fromHex(KEYS["11223344"]), intervalMs: 60_000, firstAt: 1_000, kind: "valve" }, addressBytes("ELS", "11223344", 1, 0x21));
  const valveC = air.add({ id: "55667788", mode: "C", key: fromHex(KEYS["55667788"]), intervalMs: 60_000, firstAt: 2_000, kind: "valve" }, addressBytes("ELS", "55667788", 1, 0x21));
  const meter = air.add({ id: "99887766", mode: "T", key: fromHex(KEYS["99887766"]), intervalMs: 60_000, firstAt: 3_000, kind: "meter" }, addressBytes("ELS", "99887766", 1, 0x07));
  return { clock, hub, outcomes, queue: queue!, air, radio, valveT, valveC, meter, gateway };
}

const states = (o: CommandOutcome[], id: string) => o.filter((x) => x.id === id).map((x) => x.state);

describe("commands in response windows (simulated T2 / C2 meters)", () => {
  it("the window numbers: T2 2–3 ms, C2 fast 100 ms ± 0.5 ms after the meter's frame", () => {
    expect([WINDOW_T2.openUs, WINDOW_T2.closeUs]).toEqual([2000, 3000]);
    expect([WINDOW_C2_FAST.openUs, WINDOW_C2_FAST.closeUs]).toEqual([99_500, 100_500]);
  });

  for (const [meterId, mode] of [["11223344", "T2"], ["55667788", "C2"]] as const) {
    it(`${mode}: a close command is sent inside the window, acked, and the next telegram reports the valve closed`, async () => {
      const { clock, hub, outcomes, queue, air } = setup();
      expect(queue.submit(meterId, CLOSE, true)).toEqual({ ok: true, id: "close-1" });
      await clock.runUntil(70_000);
      expect(states(outcomes, "close-1")).toEqual(["queued", "sent", "acked"]);
      const dl = air.downlinks.filter((d) => d.meter === meterId);
      expect(dl).toHaveLength(1);
      expect(dl[0].heard).toBe(true);
      const m = air.meters.find((x) => x.o.id === meterId)!;
      expect(m.valve).toBe("closed");
      expect(m.log).toEqual(["SND-UD accepted, valve closed"]);
      // readings (what the MQTT uplink publishes): remote_control 1 (open) before the command, 0 (closed) after
      const r = hub.readings.filter((x) => x.meterId === meterId).map((x) => x.reading.remote_control);
      expect(r[0]).toBe(1);
      expect(r[r.length - 1]).toBe(0);
    });
  }

  it("the downlink is encrypted with the meter's key (no plaintext to a keyed meter)", async () => {
    const { clock, queue, radio } = setup();
    let sent: Uint8Array | undefined;
    const orig = radio.transmit.bind(radio);
    radio.transmit = (req) => {
      sent = req.bytes;
      return orig(req);
    };
    queue.submit("11223344", CLOSE, true);
    await clock.runUntil(2_000);
    const f = stripFrameA(sent!)!;
    expect(f[1]).toBe(0x53); // SND-UD
    expect(f[10]).toBe(0x5a); // TPL short header
    expect((f[14] << 8 | f[13]) >> 8 & 0x1f).toBe(5); // CFG: security mode 5
    expect(toHex(f)).not.toContain("01FD1F00"); // the record is not readable on air
    const dec = new TelegramDecoder({ cipher }).decode(f, { key: KEYS["11223344"], crc: "none" });
    expect(dec.telegram.records.map((r) => r.header + r.data)).toEqual(["01FD1F00"]);
  });

  it("REQ-UD2 is answered with the longer telegram", async () => {
    const { clock, outcomes, queue } = setup();
    queue.submit("99887766", { kind: "req_ud2", id: "more" }, true);
    await clock.runUntil(10_000);
    expect(states(outcomes, "more")).toEqual(["queued", "sent", "answered"]);
    const hex = outcomes.find((o) => o.id === "more" && o.state === "answered")!.detail!;
    const res = new TelegramDecoder({ cipher }).decode(fromHex(hex), { key: KEYS["99887766"], crc: "none" });
    expect(res.ok).toBe(true);
    expect(res.telegram.dll!.c).toBe(0x08);
    expect(res.telegram.records.length).toBe(7); // volume now + 6 stored values (the regular telegram has 1)
  });

  it("refuses an unconfigured meter, a meter without key, and a command without authorisation", () => {
    const { queue, outcomes } = setup();
    expect(queue.submit("01020304", CLOSE, true)).toMatchObject({ ok: false, error: "meter 01020304 is not configured" });
    expect(queue.submit("12121212", CLOSE, true)).toMatchObject({ ok: false, error: expect.stringContaining("no key") });
    expect(queue.submit("11223344", CLOSE, false)).toMatchObject({ ok: false, error: expect.stringContaining("not authorised") });
    expect(queue.submit("11223344", { kind: "format_disk" }, true)).toMatchObject({ ok: false });
    expect(outcomes.map((o) => o.state)).toEqual(["refused", "refused", "refused", "refused"]);
    expect(JSON.stringify(outcomes)).not.toContain(KEYS["11223344"]);
  });

  it("an expired command is reported", async () => {
    const { clock, outcomes, queue } = setup();
    queue.submit("55667788", { ...CLOSE, id: "late", ttl_s: 1 }, true); // the meter first sends at 2 s
    await clock.runUntil(3_000);
    expect(states(outcomes, "late")).toEqual(["queued", "expired"]);
  });

  it("a window missed by the gateway's timing is retried at the next window", async () => {
    const { clock, outcomes, queue, radio, air, valveT } = setup(5); // 5 ms to prepare: too slow for T2's 2–3 ms
    queue.submit("11223344", CLOSE, true);
    await clock.runUntil(2_000);
    expect(states(outcomes, "close-1")).toEqual(["queued", "queued"]);
    expect(outcomes[1].detail).toMatch(/missed the window/);
    expect(air.downlinks.filter((d) => d.meter === "11223344").map((d) => d.heard)).toEqual([false]);
    radio.prepareMs = 1;
    await clock.runUntil(62_000);
    expect(states(outcomes, "close-1")).toEqual(["queued", "queued", "sent", "acked"]);
    expect(valveT.valve).toBe("closed");
  });

  it("after the retries are used up the command fails", async () => {
    const { clock, outcomes, queue } = setup(5);
    queue.submit("11223344", { ...CLOSE, retries: 1 }, true);
    await clock.runUntil(130_000);
    expect(states(outcomes, "close-1")).toEqual(["queued", "queued", "failed"]);
  });
});

describe("command topics (MQTT side)", () => {
  it("routes <prefix>/<gw>/<meter>/set to the queue and names the outcome topic", async () => {
    const { Topics } = await import("../../firmware/uplink/topics.js");
    const { commandTarget, commandSubscription, handleCommandMessage, outcomeMessage } = await import("../../firmware/gateway/command-topics.js");
    const { clock, queue, outcomes } = setup();
    const topics = new Topics("gw");
    expect(commandSubscription(topics)).toBe("wmbus/gw/+/set");
    expect(commandTarget(topics, "wmbus/gw/11223344/set")).toBe("11223344");
    expect(commandTarget(topics, "wmbus/other/11223344/set")).toBeUndefined();
    expect(commandTarget(topics, "wmbus/gw/1122334/set")).toBeUndefined();
    expect(handleCommandMessage(queue, topics, "wmbus/gw/11223344/set", JSON.stringify(CLOSE), true)).toEqual({ ok: true });
    expect(handleCommandMessage(queue, topics, "wmbus/gw/11223344/set", "{not json", true)).toMatchObject({ ok: false });
    expect(handleCommandMessage(queue, topics, "wmbus/gw/11223344/set", JSON.stringify(CLOSE), false)).toMatchObject({ ok: false });
    await clock.runUntil(2_000);
    const acked = outcomes.find((o) => o.state === "acked")!;
    const msg = outcomeMessage(topics, acked);
    expect(msg.topic).toBe("wmbus/gw/11223344/command");
    expect(JSON.parse(msg.payload)).toMatchObject({ id: "close-1", kind: "snd_ud", state: "acked", attempts: 1 });
  });
});

describe("wired meters in the gateway configuration", () => {
  it("parses primary / secondary addresses and intervals into poll plans; reports bad ones", async () => {
    const { wiredPlans } = await import("../../firmware/wired/plans.js");
    const { config, problems } = parseConfig({
      meters: [
        { id: "03313062", name: "a", wired: { primary: 2, interval_s: 60 } },
        { id: "11111111", name: "b", wired: { secondary: "11111111-4CA3-18-02" } },
        { id: "22222222", name: "c", wired: { primary: 300 } },
        { id: "33333333", name: "d", wired: { primary: 1, secondary: "33333333" } },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual(["meters[2].wired.primary", "meters[2].wired", "meters[3].wired"]);
    expect(wiredPlans(config)).toEqual([
      { meterId: "03313062", primary: 2, secondary: undefined, intervalMs: 60_000 },
      { meterId: "11111111", primary: undefined, secondary: { id: "11111111", manufacturer: 0x4ca3, version: 0x18, medium: 0x02 }, intervalMs: 900_000 },
    ]);
  });
});
