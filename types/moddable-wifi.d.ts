/*
 * Classic `wifi` (imported as "moddable:wifi"), the static access-point and scan part only. Written by
 * this project. Describes: modules/network/wifi/wifi.js and modules/network/wifi/esp32/xs6wifi.c
 * (manifest modules/network/wifi/manifest.json).
 *
 * Facts from xs6wifi.c: accessPoint({ssid, password?, channel?, hidden?, max?, interval?, station?})
 * starts the soft AP (ssid at most 32 bytes; a password of 8..64 bytes makes it WPA/WPA2-PSK, none
 * makes it open; channel 1..13, default 1; max default 4 clients); with `station: true` the mode is
 * APSTA so a station connection can run at the same time. `WiFi.mode = Mode.station` turns the AP
 * off again. scan({hidden?, channel?}, callback) calls back once per network
 * ({ssid, rssi, channel, hidden, bssid, authentication}) and then once with null.
 */
declare module "moddable:wifi" {
  export interface WiFiScanItem {
    ssid: string;
    rssi: number;
    channel: number;
    hidden: boolean;
    bssid: ArrayBuffer;
    authentication?: "none" | "wep" | "wpa_psk" | "wpa2_psk" | "wpa_wpa2_psk";
  }
  export default class WiFi {
    static mode: number;
    static readonly Mode: { readonly none: 0; readonly station: 1; readonly accessPoint: 2 };
    static scan(options: { hidden?: boolean; channel?: number }, callback: (item: WiFiScanItem | null) => void): void;
    static accessPoint(options: { ssid: string; password?: string; channel?: number; hidden?: boolean; max?: number; interval?: number; station?: boolean }): void;
  }
}
