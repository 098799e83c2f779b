/**
 * Host HttpClient on node:http / node:https: one POST per call, bounded by a timeout.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { HttpClient, HttpTarget } from "../firmware/uplink/http-uplink.js";

export class NodeHttpClient implements HttpClient {
  constructor(readonly timeoutMs = 15_000) {}

  post(t: HttpTarget, body: string, headers: Record<string, string>): Promise<number> {
    const data = Buffer.from(body, "utf8");
    const request = t.tls ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const req = request(
        { host: t.host.replace(/^\[|\]$/g, ""), port: t.port, path: t.path, method: "POST", headers: { ...headers, "content-length": String(data.length) } },
        (res) => {
          res.resume(); // the answer body is not used
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`HTTP request to ${t.host}:${t.port} timed out`)));
      req.on("error", reject);
      req.end(data);
    });
  }
}
