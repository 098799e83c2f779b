import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runUnderXs, writeTempModule } from "../xs/xsnap.js";
import { toHex } from "../../firmware/util/hex.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";
import { LastReadings } from "../../firmware/web/last-readings.js";
import { renderStatusPage, statusDocument } from "../../firmware/web/status-page.js";

/**
 * The gateway pipeline (telegram id, dedup, registry, unknown meters, readings) must behave identically under
 * XS: ten simulated minutes of the apartment go through the compiled core under xsnap (portable AES) and
 * must give, frame by frame, the verdicts and readings Node gives, and the same local web page (firmware/web).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const built = (p: string) => JSON.stringify(join(root, "build", p));

describe("gateway under XS", () => {
  it("gives the same verdicts, readings and stats as Node", async () => {
    expect(existsSync(join(root, "build/firmware/gateway/gateway.js")), "run `npm run build` first").toBe(true);
    const cipher = nodeCipher();
    const ap = new Apartment({ cipher, seed: 8 });
    const settings = ap.settings("gw-xs");
    const frames = ap.takeUntil(ap.startMs + 600_000).filter((t) => t.mode !== "S" && t.rssiDbm >= -105)
      .map((t) => ({ hex: toHex(t.bytes), mode: t.mode, format: t.format, rssi: t.rssiDbm, at: t.at }));
    const { config, problems } = parseConfig(settings);
    const clock = new SimClock(ap.startMs);
    const hub = new MemoryHub();
    const last = new LastReadings();
    const gw = new Gateway({ config, configProblems: problems, clock, cipher, hub: last.tap(hub) });
    const node: string[] = [];
    for (const f of frames) {
      clock.advanceTo(f.at);
      const before = hub.readings.length;
      const verdict = gw.handleFrame({ bytes: Uint8Array.from(Buffer.from(f.hex, "hex")), mode: f.mode, format: f.format, rssiDbm: f.rssi, receivedAt: f.at });
      node.push(JSON.stringify({ verdict, reading: hub.readings.length > before ? hub.readings[before] : null }));
    }
    node.push(JSON.stringify(gw.status()));
    node.push(JSON.stringify(renderStatusPage(statusDocument(gw.status(), last))));

    const data = writeTempModule("gateway-frames.js", `export const frames = ${JSON.stringify(frames)};\nexport const settings = ${JSON.stringify(settings)};\n`);
    const entry = writeTempModule(
      "gateway-entry.js",
      `import { frames, settings } from ${JSON.stringify(data)};
import { fromHex } from ${built("firmware/util/hex.js")};
import { Gateway } from ${built("firmware/gateway/gateway.js")};
import { parseConfig } from ${built("firmware/gateway/config.js")};
import { nobleCipher } from ${built("host-tests/support/aes-noble.js")};
import { LastReadings } from ${built("firmware/web/last-readings.js")};
import { renderStatusPage, statusDocument } from ${built("firmware/web/status-page.js")};
let now = ${ap.startMs};
const readings = [];
const hub = { submit: (r) => readings.push(r), gatewayStatus: () => {}, stats: () => ({}), close: () => {} };
const { config, problems } = parseConfig(settings);
const last = new LastReadings();
const gw = new Gateway({ config, configProblems: problems, clock: { now: () => now }, cipher: nobleCipher(), hub: last.tap(hub) });
for (const f of frames) {
  if (f.at > now) now = f.at;
  const before = readings.length;
  const verdict = gw.handleFrame({ bytes: fromHex(f.hex), mode: f.mode, format: f.format, rssiDbm: f.rssi, receivedAt: f.at });
  print(JSON.stringify({ verdict, reading: readings.length > before ? readings[before] : null }));
}
print(JSON.stringify(gw.status()));
print(JSON.stringify(renderStatusPage(statusDocument(gw.status(), last))));
`,
    );
    const xs = (await runUnderXs(entry)).split("\n").filter((l) => l !== "");
    expect(xs.length).toBe(node.length);
    for (let i = 0; i < node.length; i++) expect(xs[i], `frame ${i}`).toBe(node[i]);
    expect(frames.length).toBeGreaterThan(500);
  }, 120_000);
});
