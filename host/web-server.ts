/**
 * The local web page on the host (`npm start`): node:http around the pure firmware/web/status-page.ts, the same
 * `webRespond` the device's Moddable server calls. Listens on 127.0.0.1 only.
 */
import { createServer, type Server } from "node:http";
import { webRespond, type WebStatusDocument } from "../firmware/web/status-page.js";
import { listenLocal } from "./listen-local.js";

export interface WebServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves the status page on `port` (0 = any free port); `fallbackToFree`: a taken port gives a free one instead. */
export async function startWebServer(port: number, document: () => WebStatusDocument, fallbackToFree = false): Promise<WebServer> {
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
  const bound = await listenLocal(server, port, fallbackToFree);
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
