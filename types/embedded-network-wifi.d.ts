/*
 * ECMA-419 Wi-Fi station interface. Written by this project.
 * Describes: modules/io/wifi/esp32/wifi-esp32.js and wifi-esp32.c (manifest
 * modules/io/wifi/manifest.json, included by examples/manifest_net.json). It is station-only (no
 * access point; that needs the classic `wifi` module, modules/network/wifi). The SDK's boot code
 * build/devices/esp32/setup/network.js uses this class when `ssid=` is given to mcconfig.
 *
 * `connection` (as read by setup/network.js): <= 200 disconnected, >= 400 associated,
 * > 500 associated with an IP address.
 */
declare module "embedded:network/interface/wifi" {
  export interface WiFiOptions {
    /** Called on the JavaScript thread; `this` is the WiFi instance. */
    onChanged?: (this: WiFi, property: "connection" | "address" | string) => void;
  }
  export interface WiFiScanResult {
    SSID: string;
    BSSID?: ArrayBuffer;
    RSSI: number;
    channel: number;
  }

  export default class WiFi {
    constructor(options?: WiFiOptions);
    connect(options: { SSID: string; password?: string; channel?: number }): void;
    disconnect(): void;
    scan(options: { channel?: number; onFound?: (result: WiFiScanResult) => void; onComplete?: () => void }): void;
    configure(options: {
      hostname?: string;
      static?: { address: string; mask: string; gateway: string } | false;
    }): void;
    close(): void;
    get connection(): number;
    /** Dotted IPv4 address, or undefined while there is none. */
    get address(): string | undefined;
    get MAC(): string;
    get SSID(): string | undefined;
    get RSSI(): number | undefined;
    get channel(): number | undefined;
  }
}
