/**
 * The web interface on the device: the SDK's classic HTTP server (modules/network/http/http.js, Server) calling
 * the pure firmware/web/web-app.ts. Device only; type-checked against types/moddable-http.d.ts, run only in
 * simulation (docs/web.md).
 *
 * Per connection (`this` in the callback is the SDK's per-connection request object):
 *   status → method and path; header → lower-case headers (bounded: 24 headers, 1 KB each);
 *   headersComplete → a firmware upload (POST /api/ota) asks for requestFragment calls and streams the body into
 *     WebApp.beginUpload's OtaUpload as it arrives (the device cannot hold an image); other requests get their body
 *     as one String (refused over 16 KB by WebApp);
 *   prepareResponse → the WebApp response, body as UTF-8 bytes (a string body must be ASCII on this server);
 *     a response in pieces (the status document) goes chunked, one piece per responseFragment call.
 * Server-Sent Events: this server sends a body and closes, so /api/events answers with the backlog after
 * Last-Event-ID and `retry:`; the browser's EventSource reconnects by itself (firmware/web/events.ts).
 */
import { Server as HttpServer, type HTTPRequestState } from "moddable:http";
import { WebApp, type WebResponse } from "../web/web-app.js";
import type { OtaUpload } from "../web/ota.js";

const MAX_HEADERS = 24;
const MAX_HEADER_TEXT = 1024;

/** Our per-connection fields, prefixed: the SDK's request object has its own (state, body, request, total, …). */
interface Conn extends HTTPRequestState {
  wm_method?: string;
  wm_path?: string;
  wm_headers?: { [name: string]: string };
  wm_upload?: OtaUpload;
  wm_early?: WebResponse;
  wm_body?: string;
  wm_next?: string;
  wm_more?: () => string | undefined;
}

function bytesOf(utf8: TextEncoder, text: string): ArrayBuffer {
  const bytes = utf8.encode(text);
  return bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

export function startDeviceWebServer(app: WebApp, port: number, log: (m: string) => void): HttpServer {
  const server = new HttpServer({ port });
  const utf8 = new TextEncoder();
  server.callback = function (this: HTTPRequestState, message, value1, value2) {
    const c = this as Conn;
    switch (message) {
      case HttpServer.status:
        c.wm_path = String(value1 ?? "/");
        c.wm_method = String(value2 ?? "GET");
        c.wm_headers = {};
        return undefined;
      case HttpServer.header: {
        const h = c.wm_headers!;
        const name = String(value1);
        if (Object.keys(h).length < MAX_HEADERS && String(value2).length <= MAX_HEADER_TEXT) h[name] = String(value2);
        return undefined;
      }
      case HttpServer.headersComplete: {
        const req = { method: c.wm_method!, path: c.wm_path!, headers: c.wm_headers! };
        if (WebApp.isUpload(req.method, req.path)) {
          const u = app.beginUpload(req);
          if ("write" in u) {
            c.wm_upload = u;
            return true; // requestFragment calls
          }
          c.wm_early = u;
          return false; // body ignored, answer right away
        }
        return String;
      }
      case HttpServer.requestFragment: {
        const read = (c as unknown as { read(type: ArrayBufferConstructor): ArrayBuffer }).read;
        const bytes = read.call(c, ArrayBuffer);
        c.wm_upload?.write(new Uint8Array(bytes));
        return undefined;
      }
      case HttpServer.requestComplete:
        if (typeof value1 === "string") c.wm_body = value1;
        return undefined;
      case HttpServer.prepareResponse: {
        let r: WebResponse;
        try {
          if (c.wm_early) r = c.wm_early;
          else if (c.wm_upload) r = app.endUpload(c.wm_upload);
          else r = app.handle({ method: c.wm_method!, path: c.wm_path!, headers: c.wm_headers!, body: c.wm_body });
        } catch (e) {
          log(`web: ${String(e)}`);
          r = { status: 500, headers: [["content-type", "text/plain"]], body: "internal error\n" };
        }
        c.wm_upload = undefined;
        const headers: string[] = [];
        for (const [k, v] of r.headers) headers.push(k, v);
        if (r.more) {
          c.wm_next = r.body;
          c.wm_more = r.more;
          return { status: r.status, headers, body: true }; // chunked: responseFragment below
        }
        return { status: r.status, headers, body: bytesOf(utf8, r.body) };
      }
      case HttpServer.responseFragment: {
        // One piece per call (a piece is one meter's JSON, well under the socket's write space).
        const piece = c.wm_next ?? c.wm_more?.();
        c.wm_next = undefined;
        if (piece === undefined) {
          c.wm_more = undefined;
          return undefined;
        }
        return bytesOf(utf8, piece);
      }
      case HttpServer.error:
        c.wm_upload?.abort();
        c.wm_upload = undefined;
        return undefined;
    }
    return undefined;
  };
  log(`web interface on port ${port}`);
  return server;
}
