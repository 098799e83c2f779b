/**
 * The local web page (firmware/web): the HTML escapes hostile names from the settings, no key appears in the HTML
 * or the JSON, the JSON carries exactly the gateway's, the radio's and the uplink's counters and each meter's last
 * reading; the host server serves both; the `npm start` flags that choose the receiver and the port.
 */
import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { LastReadings } from "../../firmware/web/last-readings.js";
import { escapeHtml, renderStatusPage, statusDocument, webRespond } from "../../firmware/web/status-page.js";
import type { OutgoingReading } from "../../firmware/uplink/uplink.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { DirectFrameSource } from "../rigs/gateway-direct-source.js";
import { connect, runApartment, SimClock } from "../sim/gateway-runner.js";
import { startWebServer } from "../../host/web-server.js";
import { parseFlags } from "../../host/start.js";
import { emptyStatus } from "../support/status-doc.js";

const cipher = nodeCipher();
const HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "a & b 'quoted'"];

/** A gateway that ran 10 simulated minutes with hostile meter names; its web document builder. */
async function ranGateway() {
  const ap = new Apartment({ cipher, seed: 3 });
  const raw = ap.settings("web-gw", { gatewayName: "<b>lobby</b>" }) as { meters: { name: string; key?: string }[] };
  raw.meters.forEach((m, i) => (m.name = HOSTILE[i % HOSTILE.length] + " #" + i));
  const keys = raw.meters.filter((m) => m.key).map((m) => m.key!);
  const { config, problems } = parseConfig(raw);
  expect(problems).toEqual([]);
  const clock = new SimClock(ap.startMs);
  const memory = new MemoryHub();
  const last = new LastReadings();
  const gateway = new Gateway({ config, clock, cipher, hub: last.tap(memory) });
  const source = new DirectFrameSource();
  connect({ gateway, source });
  await runApartment({ apartment: ap, clock, gateways: [{ gateway, source }], durationMs: 600_000 });
  const document = () => statusDocument(gateway.status({ radio: source.stats(), uplink: memory.stats() }), last);
  return { gateway, source, memory, last, keys, document };
}

describe("web status page", () => {
  it("escapes hostile names, shows no key, and its JSON matches the counters and last readings", async () => {
    const { gateway, source, memory, keys, document } = await ranGateway();
    expect(keys.length).toBeGreaterThan(10);
    const page = webRespond("GET", "/", document);
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.body).not.toContain("<script>");
    expect(page.body).not.toContain("<img");
    expect(page.body).not.toContain("<b>lobby");
    expect(page.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; #0");
    expect(page.body).toContain("a &amp; b &#39;quoted&#39; #2");
    expect(page.body).toContain("&lt;b&gt;lobby&lt;/b&gt;");

    const json = webRespond("GET", "/status.json?x=1", document);
    expect(json.contentType).toBe("application/json");
    for (const key of keys) {
      expect(page.body.toUpperCase()).not.toContain(key.toUpperCase());
      expect(json.body.toUpperCase()).not.toContain(key.toUpperCase());
    }
    const doc = JSON.parse(json.body);
    expect(doc.stats).toEqual(gateway.stats());
    expect(doc.radio).toEqual(source.stats());
    expect(doc.uplink).toEqual(memory.stats());
    expect(doc.config.meters.every((m: { key: string }) => m.key === "set" || m.key === "none")).toBe(true);
    // each configured meter's last reading is the last one the gateway sent for it
    const lastOf = new Map<string, OutgoingReading>();
    for (const r of memory.readings) lastOf.set(r.meterId, r);
    let withReading = 0;
    for (const m of doc.meters) {
      const want = lastOf.get(m.id);
      expect(m.last_reading, m.id).toEqual(want ? JSON.parse(JSON.stringify(want.reading)) : null);
      if (want) {
        withReading++;
        expect(page.body).toContain(`<td>${escapeHtml(want.reading.timestamp)}</td>`);
      }
    }
    expect(withReading).toBeGreaterThan(20);
    expect(page.body).toContain(`<td>framesDelivered</td><td>${source.stats().framesDelivered}</td>`);
  });

  it("answers 404 for other paths and 405 for other methods", () => {
    const doc = () => statusDocument(emptyStatus(), new LastReadings());
    expect(webRespond("GET", "/nope", doc).status).toBe(404);
    expect(webRespond("POST", "/", doc).status).toBe(405);
    expect(renderStatusPage(doc())).toContain("<h2>Meters</h2>");
  });

  it("LastReadings keeps the newest reading per meter and drops the meter heard longest ago when full", () => {
    const last = new LastReadings(2);
    const r = (meterId: string, n: number) => ({ meterId, reading: { n } }) as unknown as OutgoingReading;
    last.remember(r("a", 1));
    last.remember(r("b", 1));
    last.remember(r("a", 2));
    last.remember(r("c", 1));
    expect(last.size).toBe(2);
    expect(last.get("b")).toBeUndefined();
    expect(last.get("a")!.reading.n).toBe(2);
    expect(last.seen).toBe(4);
  });

  it("the host server serves the page and the JSON", async () => {
    const { document } = await ranGateway();
    const web = await startWebServer(0, document);
    try {
      const page = await fetch(web.url);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await page.text()).toContain("Unknown meters heard");
      const json = (await (await fetch(web.url + "status.json")).json()) as { gateway: string };
      expect(json.gateway).toBe("web-gw");
      expect((await fetch(web.url + "x")).status).toBe(404);
    } finally {
      await web.close();
    }
  });
});

describe("npm start flags", () => {
  it("chooses the receiver and the web port", () => {
    expect(parseFlags([])).toMatchObject({ radioChip: "sx1262", direct: false });
    expect(parseFlags([]).httpPort).toBeUndefined(); // 8080, or a free port when taken
    expect(parseFlags(["--radio-chip", "cc1101", "--http-port", "0"])).toMatchObject({ radioChip: "cc1101", httpPort: 0 });
    expect(parseFlags(["--direct"]).direct).toBe(true);
    expect(() => parseFlags(["--radio-chip", "rfm69"])).toThrow(/--radio-chip/);
    expect(() => parseFlags(["--http-port", "70000"])).toThrow(/--http-port/);
  });
});
