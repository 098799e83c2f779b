/**
 * Host line sinks for the raw frame output (firmware/uplink/raw.ts): each line to a UDP listener (one
 * datagram per line, as `nc -lku PORT` prints them) or a TCP listener (`nc -lk PORT`), the two ways
 * wmbusmeters takes rtl_wmbus lines from the network (docs/raw-output.md).
 *
 * TCP reconnects with a doubling delay (0.5 s … 30 s) and holds at most `maxQueued` lines while down;
 * beyond that a line is refused (RawOutput counts it dropped). Nothing here blocks the gateway.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import type { RawLineFormat, RawLineSink, RawSinkSettings } from "../firmware/uplink/raw.js";
import { parseSinkUrl } from "../firmware/uplink/raw-settings.js";

export class UdpLineSink implements RawLineSink {
  readonly #socket: UdpSocket;
  #closed = false;

  constructor(readonly format: RawLineFormat, readonly host: string, readonly port: number, onDiagnostic?: (m: string) => void) {
    this.#socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    this.#socket.on("error", (e) => onDiagnostic?.(`raw udp ${host}:${port}: ${e.message}`));
  }

  send(line: string): boolean {
    if (this.#closed) return false;
    this.#socket.send(line, this.port, this.host);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }
}

export class TcpLineSink implements RawLineSink {
  #socket?: Socket;
  #connected = false;
  #closed = false;
  #queue: string[] = [];
  #delay = 500;
  #timer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly format: RawLineFormat,
    readonly host: string,
    readonly port: number,
    readonly maxQueued = 100,
    readonly onDiagnostic?: (m: string) => void,
  ) {
    this.#connect();
  }

  send(line: string): boolean {
    if (this.#closed) return false;
    if (this.#connected && this.#socket) {
      this.#socket.write(line);
      return true;
    }
    if (this.#queue.length >= this.maxQueued) return false;
    this.#queue.push(line);
    return true;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#socket?.end();
  }

  #connect(): void {
    if (this.#closed) return;
    const s = connect({ host: this.host, port: this.port });
    this.#socket = s;
    s.setNoDelay(true);
    s.on("connect", () => {
      this.#connected = true;
      this.#delay = 500;
      for (const l of this.#queue) s.write(l);
      this.#queue = [];
    });
    s.on("error", (e) => this.onDiagnostic?.(`raw tcp ${this.host}:${this.port}: ${e.message}`));
    s.on("close", () => {
      this.#connected = false;
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, 30_000);
    });
  }
}

/** The sinks of the raw settings. */
export function createRawSinks(sinks: readonly RawSinkSettings[], onDiagnostic?: (m: string) => void): RawLineSink[] {
  const out: RawLineSink[] = [];
  for (const s of sinks) {
    const u = parseSinkUrl(s.url);
    if (!u) continue; // parseRawSettings already reported it
    out.push(u.protocol === "udp" ? new UdpLineSink(s.format, u.host, u.port, onDiagnostic) : new TcpLineSink(s.format, u.host, u.port, 100, onDiagnostic));
  }
  return out;
}
