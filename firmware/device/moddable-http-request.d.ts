/*
 * The client class `Request` of the classic Moddable `http` module (imported as "moddable:http";
 * types/moddable-http.d.ts declares the server half). Written by this project from the SDK's
 * documentation/network/network.md §HTTP Request; merges with that ambient module declaration.
 *
 * The callback receives message numbers given by the statics below (use the names, not numbers).
 * `status` carries the status code as value1, `responseComplete` the body (as `response` asked),
 * `error` means the request failed (DNS, connect, reset, timeout). A string body must be ASCII;
 * send UTF-8 as an ArrayBuffer.
 */
declare module "moddable:http" {
  export interface RequestOptions {
    host: string;
    port?: number;
    path?: string;
    method?: string;
    /** Flat list: name, value, name, value ... */
    headers?: (string | number)[];
    body?: string | ArrayBuffer;
    /** String or ArrayBuffer (the constructor) to receive the body in responseComplete. */
    response?: unknown;
    /** SecureSocket (TLS) and its options. */
    Socket?: unknown;
    secure?: Record<string, unknown>;
  }

  export class Request {
    static readonly requestFragment: number;
    static readonly status: number;
    static readonly header: number;
    static readonly headersComplete: number;
    static readonly responseFragment: number;
    static readonly responseComplete: number;
    static readonly error: number;
    constructor(options: RequestOptions);
    callback: (this: Request, message: number, value1?: unknown, value2?: unknown) => void;
    close(): void;
  }
}
