/**
 * Web interface figures for `npm run bench`: the page's assets (raw and gzip -9, target ≤ 30 KB gzipped in total,
 * the flash budget of issue 17) and, per request kind, the response body size and the JavaScript heap a request
 * allocates, measured on a simulated 45-meter apartment after 30 simulated minutes (every meter has readings and
 * a chart). Heap: V8 heapUsed after minus before one request with a full GC before it (median of 40); V8 objects
 * are larger than XS slots, so this is an indicator, not the device figure. The body size is exact; the device
 * holds a body twice while answering (the string and its UTF-8 bytes), so 2 × body must fit the chunk heap.
 *   node build/host-tests/bench/web-bench.js
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { saveConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { ASSETS } from "../../firmware/web/assets.js";
import { cookieValue, SESSION_COOKIE } from "../../firmware/web/auth.js";
import type { WebRequest } from "../../firmware/web/web-app.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { SimDevice } from "../../host/web-sim-device.js";
import { median } from "./stats.js";

/** Assets: the flash budget of issue 17. Piece: what one response holds at once must fit the device's chunk heap twice. */
export const WEB_TARGETS = { assetsGzipBytes: 30 * 1024, largestBodyBytes: 16 * 1024 } as const;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export async function webBenchLines(): Promise<string[]> {
  const out: string[] = [];
  let gzTotal = 0;
  let rawTotal = 0;
  out.push("web assets                                        raw bytes    gzip -9");
  for (const [path, a] of Object.entries(ASSETS)) {
    const raw = Buffer.byteLength(a!.body, "utf8");
    const gz = gzipSync(Buffer.from(a!.body, "utf8"), { level: 9 }).length;
    rawTotal += raw;
    gzTotal += gz;
    out.push(`  ${path.padEnd(46)}${String(raw).padStart(11)}${String(gz).padStart(11)}`);
  }
  out.push(`  ${"total (target ≤ " + WEB_TARGETS.assetsGzipBytes + " gzipped)"}`.padEnd(48) + `${String(rawTotal).padStart(11)}${String(gzTotal).padStart(11)}   ${gzTotal <= WEB_TARGETS.assetsGzipBytes ? "PASS" : "FAIL"}`);

  const apartment = new Apartment({ cipher: nodeCipher(), seed: 1 });
  const store = new MemoryKeyValueStore();
  saveConfig(store, apartment.settings("bench"));
  const device = new SimDevice({ store, apartment, iterations: 1000 });
  device.app.auth.setAdminPassword("bench-password-1");
  await device.run(Infinity, 30 * 60_000);
  const login = device.app.handle({ method: "POST", path: "/api/login", headers: { "content-type": "application/json" }, body: '{"password":"bench-password-1"}' });
  const cookie = `${SESSION_COOKIE}=${cookieValue(login.headers.find((h) => h[0] === "set-cookie")![1], SESSION_COOKIE)}`;
  const csrf = (JSON.parse(login.body) as { csrf: string }).csrf;
  const id = device.gateway.config.meters[0].id;
  const kinds: [string, WebRequest][] = [
    ["GET / (page)", { method: "GET", path: "/", headers: {} }],
    ["GET /app.js", { method: "GET", path: "/app.js", headers: {} }],
    ["GET /api/session", { method: "GET", path: "/api/session", headers: { cookie } }],
    ["GET /api/status (45 meters)", { method: "GET", path: "/api/status", headers: { cookie } }],
    ["GET /api/settings", { method: "GET", path: "/api/settings", headers: { cookie } }],
    [`GET /api/meters/${id}/history`, { method: "GET", path: `/api/meters/${id}/history`, headers: { cookie } }],
    ["GET /api/events (backlog)", { method: "GET", path: "/api/events", headers: { cookie } }],
    ["POST /api/meters/<id> (rename, saves)", { method: "POST", path: `/api/meters/${id}`, headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: '{"name":"renamed"}' }],
    ["POST /api/login (wrong, PBKDF2 1000)", { method: "POST", path: "/api/login", headers: { "content-type": "application/json" }, body: '{"password":"nope-nope"}' }],
  ];
  out.push("web requests (simulated 45-meter apartment)      body bytes  largest piece  heap/request (V8, median of 40)");
  let largest = 0;
  for (const [label, req] of kinds) {
    const heap: number[] = [];
    let body = 0;
    let piece = 0;
    for (let i = 0; i < 40; i++) {
      if (label.startsWith("POST /api/login")) device.app.auth.login("bench-password-1"); // keep the throttle away
      gc();
      const before = process.memoryUsage().heapUsed;
      const r = device.app.handle(req);
      // a server sends each piece and drops it; the heap figure counts the pieces' allocation too
      body = Buffer.byteLength(r.body, "utf8");
      piece = body;
      for (let p = r.more?.(); p !== undefined; p = r.more!()) {
        const n = Buffer.byteLength(p, "utf8");
        body += n;
        piece = Math.max(piece, n);
      }
      const after = process.memoryUsage().heapUsed;
      heap.push(after - before);
    }
    largest = Math.max(largest, piece);
    out.push(`  ${label.padEnd(46)}${String(body).padStart(11)}${String(piece).padStart(15)}  ${String(Math.round(median(heap))).padStart(12)}`);
  }
  out.push(`  ${"largest piece held at once (target ≤ " + WEB_TARGETS.largestBodyBytes + ")"}`.padEnd(48) + `${"".padStart(11)}${String(largest).padStart(15)}  ${"".padStart(12)}   ${largest <= WEB_TARGETS.largestBodyBytes ? "PASS" : "FAIL"}`);
  await device.close();
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  webBenchLines().then((l) => console.log(l.join("\n")), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
