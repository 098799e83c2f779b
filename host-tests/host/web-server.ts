/**
 * The local web page on the host (`npm start`): node:http around the pure firmware/web/status-page.ts, the same
 * `webRespond` the device's Moddable server calls. Listens on 127.0.0.1 only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { webRespond } from "../../firmware/web/status-page.js";

export interface WebServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Serves the status page on `port` (0 = any free port); `fallbackToFree`: a taken port gives a free one instead. */
export async function startWebServer(port: number, document: () => Record<string, unknown>, fallbackToFree = false): Promise<WebServer> {
  const server = createServer((req, res) => {
    let r;
    try {
      r = webRespond(req.method ?? "GET", req.url ?? "/", document);
    } catch (e) {
      r = { status: 500, contentType: "text/plain; charset=utf-8", body: `status page failed: ${e instanceof Error ? e.message : String(e)}\n` };
    }
    res.writeHead(r.status, { "content-type": r.contentType, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : r.body);
  });
  let bound: number;
  try {
    bound = await listen(server, port);
  } catch (e) {
    if (!fallbackToFree || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    bound = await listen(server, 0);
  }
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
