/**
 * The wired master, the simulated segment and the command queue with the simulated T2 valve run under XS
 * (xsnap) with the same results as under Node: wildcard scan, multi-telegram read, a garbage slave, and a
 * command acked in its window. Pure code only (virtual time, no Node API in the entry).
 */
import { describe, expect, it } from "vitest";
import { ENTRY_OUT, repoImport, runInNodeAndXs } from "../xs/node-and-xs.js";
import { writeTempModule } from "../xs/xsnap.js";
import { loadCorpus } from "./corpus-helpers.js";

describe("wired master and commands under XS", () => {
  it("print the same lines under Node and xsnap", async () => {
    const corpus = loadCorpus();
    const hex = (i: number) => corpus.find((r) => r.index === i)!.telegram;
    const data = writeTempModule("wired-xs-data.js", `export default ${JSON.stringify({ f141: [141, 142, 143, 144].map(hex), f148: [148, 149, 150].map(hex), f259: hex(259), f260: hex(260), f269: hex(269) })};`);
    const src = `
import d from ${JSON.stringify(data)};
import { fromHex, toHex } from ${repoImport("firmware/util/hex.ts")};
import { WiredMaster, answerAddress } from ${repoImport("firmware/wired/master.ts")};
import { secondaryText } from ${repoImport("firmware/wired/frames.ts")};
import { SimSegment } from ${repoImport("host-tests/sim/mbus/segment.ts")};
import { VirtualClock } from ${repoImport("host-tests/sim/mbus/virtual-clock.ts")};
import { CommandQueue } from ${repoImport("firmware/gateway/commands.ts")};
import { TelegramDecoder } from ${repoImport("firmware/decoder/decoder.ts")};
import { stripFrameA } from ${repoImport("firmware/link/frame-format.ts")};
import { addressBytes } from ${repoImport("firmware/link/dll-encode.ts")};
import { BidirAir, SimTransceiver } from ${repoImport("host-tests/rigs/bidir-air.ts")};
import { nobleCipher } from ${repoImport("host-tests/support/aes-noble.ts")};
${ENTRY_OUT}
const clock = new VirtualClock();
const f = (h) => fromHex(h);
const sec = (h) => answerAddress(fromHex(h));
const seg = new SimSegment(clock, [
  { primary: 2, secondary: sec(d.f141[0]), telegrams: d.f141.map(f) },
  { primary: 23, secondary: sec(d.f148[0]), telegrams: d.f148.map(f) },
  { primary: 11, secondary: sec(d.f260), telegrams: [f(d.f260)] },
  { primary: 12, secondary: sec(d.f259), telegrams: [f(d.f259)], behaviour: "flaky" },
  { primary: 60, telegrams: [f(d.f269)], behaviour: "garbage" },
]);
const master = new WiredMaster(seg, clock);
master.open(2400);
const scan = await clock.drive(master.scan());
out("scan " + scan.found.map(secondaryText).sort().join(" ") + " probes " + scan.probes);
const r2 = await clock.drive(master.read(2));
out("read 2: " + r2.frames.length + " " + r2.frames.map((x) => toHex(x).slice(0, 20)).join(","));
const r60 = await clock.drive(master.read(60));
out("read 60: " + r60.error);
out("stats " + JSON.stringify(master.stats) + " t=" + clock.now().toFixed(3));
const cipher = nobleCipher();
const key = "000102030405060708090A0B0C0D0E0F";
const outcomes = [];
let queue;
const air = new BidirAir({ clock, cipher, toGateway: (frame) => {
  const s = stripFrameA(frame.bytes);
  if (queue.onAnswer(s)) return;
  const res = new TelegramDecoder({ cipher }).decode(frame.bytes, { key });
  if (res.ok) queue.onTelegram("11223344", res.telegram, frame.mode, frame.receivedAt);
} });
queue = new CommandQueue({ now: () => clock.now(), cipher, keyFor: () => fromHex(key), isConfigured: () => true,
  transmitter: new SimTransceiver(clock, air, 1), publish: (o) => outcomes.push(o.state) });
const valve = air.add({ id: "11223344", mode: "T", key: fromHex(key), intervalMs: 60000, firstAt: clock.now() + 1000, kind: "valve" }, addressBytes("ELS", "11223344", 1, 0x21));
queue.submit("11223344", { kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "00" }] }, true);
await clock.runUntil(clock.now() + 5000);
out("command " + outcomes.join(",") + " valve " + valve.valve);
`;
    const { node, xs } = await runInNodeAndXs("wired", src);
    expect(node).toEqual(xs);
    expect(node[0]).toMatch(/^scan 03313062-4CA3-15-02 07911459-3B52-00-02 11111111-4CA3-18-02 17911459-3B52-00-02 probes \d+$/);
    expect(node[1]).toMatch(/^read 2: 4 /);
    expect(node[2]).toMatch(/^read 60: garbled answer to REQ_UD2/);
    expect(node[4]).toBe("command queued,sent,acked valve closed");
  }, 120_000);
});
