/**
 * node:http around the pure firmware/web/web-app.ts: the same WebApp the device serves with the Moddable HTTP
 * server. Streams Server-Sent Events (the device answers the same route as a short poll, see events.ts) and
 * streams firmware uploads into WebApp.beginUpload. Listens on 127.0.0.1 only. `observe` sees every byte of
 * text the server sends (status line, headers, bodies, events): the secret-leak test reads it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { WebApp, type WebResponse } from "../firmware/web/web-app.js";
import { listenLocal } from "./listen-local.js";

export interface WebAppServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function headersOf(req: IncomingMessage): { [k: string]: string | undefined } {
  const h: { [k: string]: string | undefined } = {};
  for (const [k, v] of Object.entries(req.headers)) h[k] = Array.isArray(v) ? v.join(", ") : v;
  return h;
}

export async function startWebAppServer(app: WebApp, port: number, fallbackToFree = false, observe?: (text: string) => void): Promise<WebAppServer> {
  const send = (res: ServerResponse, r: WebResponse, head: boolean) => {
    const headers: { [k: string]: string | string[] } = {};
    for (const [k, v] of r.headers) headers[k] = k === "set-cookie" ? [...((headers[k] as string[]) ?? []), v] : v;
    observe?.(`${r.status} ${JSON.stringify(r.headers)}\n${r.body}`);
    res.writeHead(r.status, headers);
    if (r.more && !head) {
      res.write(r.body);
      for (let part = r.more(); part !== undefined; part = r.more()) {
        observe?.(part);
        res.write(part);
      }
      return void res.end();
    }
    if (!r.events) return void res.end(head ? undefined : r.body);
    res.write(r.body);
    const writer = (text: string) => {
      observe?.(text);
      res.write(text);
    };
    if (!app.events.subscribe(writer)) return void res.end(); // full: the browser reconnects after retry
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    res.on("close", () => {
      clearInterval(keepAlive);
      app.events.unsubscribe(writer);
    });
  };
  const server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const headers = headersOf(req);
    if (WebApp.isUpload(method, path)) {
      const u = app.beginUpload({ method, path, headers });
      if (!("write" in u)) {
        req.resume();
        return send(res, u, false);
      }
      req.on("data", (chunk: Buffer) => u.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      req.on("end", () => send(res, app.endUpload(u), false));
      req.on("aborted", () => u.abort());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      let r: WebResponse;
      try {
        r = size > MAX_BODY ? { status: 413, headers: [["content-type", "text/plain"]], body: "request too large\n" } : app.handle({ method, path, headers, body: Buffer.concat(chunks).toString("utf8") });
      } catch (e) {
        r = { status: 500, headers: [["content-type", "text/plain; charset=utf-8"]], body: `web: ${e instanceof Error ? e.message : String(e)}\n` };
      }
      send(res, r, method === "HEAD");
    });
  });
  const bound = await listenLocal(server, port, fallbackToFree);
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
