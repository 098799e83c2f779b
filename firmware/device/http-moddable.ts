/**
 * Device HttpClient on the classic Moddable HTTP `Request` (modules/network/http). Device only.
 * TLS needs a SecureSocket class (from the `securesocket` module), passed in by the main module.
 */
import { Request } from "moddable:http";
import type { HttpClient, HttpTarget } from "../uplink/http-uplink.js";
import type { UplinkTimers } from "../uplink/uplink.js";

export interface ModdableHttpOptions {
  timers: UplinkTimers;
  /** Give up on a request after this long (default 15 s). */
  timeoutMs?: number;
  /** For https: the SecureSocket class and its `secure` options (e.g. {protocolVersion, trace}). */
  secure?: { Socket: unknown; options?: Record<string, unknown> };
}

export class ModdableHttpClient implements HttpClient {
  constructor(readonly o: ModdableHttpOptions) {}

  post(t: HttpTarget, body: string, headers: Record<string, string>): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (t.tls && !this.o.secure) {
        reject(new Error("https needs a SecureSocket (ModdableHttpClient option `secure`)"));
        return;
      }
      const bytes = new TextEncoder().encode(body);
      const flat: string[] = [];
      for (const name of Object.keys(headers)) flat.push(name, headers[name]);
      let status = 0;
      let done = false;
      const request = new Request({
        host: t.host,
        port: t.port,
        path: t.path,
        method: "POST",
        headers: flat,
        // Non-ASCII text must go as bytes (network.md: string bodies are sent as ASCII).
        body: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        response: String,
        ...(t.tls ? { Socket: this.o.secure!.Socket, secure: this.o.secure!.options ?? {} } : {}),
      });
      const timer = this.o.timers.set(() => settle(new Error(`HTTP request to ${t.host}:${t.port} timed out`)), this.o.timeoutMs ?? 15_000);
      const settle = (e?: Error) => {
        if (done) return;
        done = true;
        this.o.timers.clear(timer);
        if (e) {
          try {
            request.close();
          } catch {
            // already closed by the SDK
          }
          reject(e);
        } else resolve(status);
      };
      request.callback = function (message, value1) {
        if (message === Request.status) status = Number(value1);
        else if (message === Request.responseComplete) settle();
        else if (message === Request.error || message < 0) settle(new Error(`HTTP request to ${t.host}:${t.port} failed`));
      };
    });
  }
}
