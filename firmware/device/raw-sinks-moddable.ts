/**
 * Device raw-frame listeners (docs/raw-output.md): UDP datagrams, one rtl_wmbus (or hex/JSON) line each, to a
 * listener such as wmbusmeters' `rtlwmbus:CMD(nc -lku 9011)`. Uses the SDK's `embedded:io/socket/udp`
 * (types/embedded-io-socket-udp.d.ts), which on ESP32 takes a dotted IP address only, so a UDP listener named by
 * host name, and TCP listeners, are reported and left off on the device (the host runs both:
 * host/raw-sinks.ts). Device only.
 */
import UDP from "embedded:io/socket/udp";
import type { RawLineFormat, RawLineSink, RawSinkSettings } from "../uplink/raw.js";
import { parseSinkUrl } from "../uplink/raw-settings.js";

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

class UdpLineSink implements RawLineSink {
  readonly #udp: UDP;
  readonly #encoder = new TextEncoder();

  constructor(readonly format: RawLineFormat, readonly address: string, readonly port: number) {
    this.#udp = new UDP({});
  }

  send(line: string): boolean {
    try {
      this.#udp.write(this.#encoder.encode(line), this.address, this.port);
      return true;
    } catch {
      return false; // no route / no buffer: counted as dropped by RawOutput
    }
  }

  close(): void {
    this.#udp.close();
  }
}

/** The listeners the device can serve; the others are named in `log`. */
export function createDeviceRawSinks(sinks: readonly RawSinkSettings[], log: (m: string) => void): RawLineSink[] {
  const out: RawLineSink[] = [];
  for (const s of sinks) {
    const u = parseSinkUrl(s.url);
    if (!u) continue;
    if (u.protocol !== "udp") log(`raw: ${s.url}: TCP listeners are not supported on the device yet; use udp://`);
    else if (!IPV4.test(u.host)) log(`raw: ${s.url}: the device needs an IPv4 address for UDP (no DNS lookup)`);
    else out.push(new UdpLineSink(s.format, u.host, u.port));
  }
  return out;
}
