/*
 * Classic HTTP server from `http` (imported as "moddable:http"). Written by this project.
 * Describes: modules/network/http/http.js, class Server (manifest modules/network/http/manifest.json,
 * preloaded). The client class Request is not declared (unused).
 *
 * One `callback(message, value1, value2)` is set on the server; it runs with `this` = a per-connection
 * request object on which state may be stored. Messages (static values on Server):
 *   connection 1; status 2 (path, method); header 3 (lower-cased name, value);
 *   headersComplete 4: return String or ArrayBuffer (the constructor) to receive the body as one
 *     value, true to receive requestFragment calls, false to ignore the body;
 *   requestFragment 5 (bytes available); requestComplete 6 (body);
 *   prepareResponse 8: return {status?, headers?: [name, value, ...], body?: string | ArrayBuffer | true}
 *     (true = chunked, then responseFragment 9 (bytes writable) returns chunks, undefined to end);
 *   responseComplete 10; error -1.
 * Content-length of a string body is its `.length`, so send non-ASCII text as an ArrayBuffer.
 * Every response carries "connection: close".
 */
declare module "moddable:http" {
  export interface HTTPResponse {
    status?: number;
    /** Flat list: name, value, name, value ... */
    headers?: (string | number)[];
    body?: string | ArrayBuffer | true;
  }

  /** The per-connection object the callback runs on; add your own fields to it. */
  export interface HTTPRequestState {
    [field: string]: unknown;
  }

  export type HTTPServerCallback = (
    this: HTTPRequestState,
    message: number,
    value1?: unknown,
    value2?: unknown,
  ) => unknown;

  export class Server {
    static readonly connection: 1;
    static readonly status: 2;
    static readonly header: 3;
    static readonly headersComplete: 4;
    static readonly requestFragment: 5;
    static readonly requestComplete: 6;
    static readonly prepareResponse: 8;
    static readonly responseFragment: 9;
    static readonly responseComplete: 10;
    static readonly error: -1;

    /** Listens on `port` (default 80). */
    constructor(options?: { port?: number });
    callback: HTTPServerCallback;
    /** Stops listening; by default also closes open connections. */
    close(connections?: boolean): void;
  }
}
