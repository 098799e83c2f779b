/*
 * ECMA-419 UDP socket. Written by this project.
 * Describes: modules/io/socket/lwip/udp.js and udp.c (Moddable SDK 8.2.3; part of
 * modules/io/manifests/esp32/manifest.json, included by $(MODDABLE)/modules/io/manifest.json).
 *
 * Only what the raw-frame sink uses: a socket bound to any local port (`port` optional) and
 * `write(data, address, port)`, which sends one datagram. On ESP32 `address` must be a dotted IP address
 * (`ipaddr_aton`; anything else throws RangeError "invalid IP address"); a failed send throws
 * "UDP send failed". `format` is always "buffer".
 */
declare module "embedded:io/socket/udp" {
  export interface UDPOptions {
    port?: number;
    onReadable?: (this: UDP, count: number) => void;
  }

  export default class UDP {
    constructor(options: UDPOptions);
    write(data: ArrayBuffer | ArrayBufferView, address: string, port: number): void;
    close(): void;
  }
}
