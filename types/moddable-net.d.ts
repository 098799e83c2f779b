/*
 * `net` (imported as "moddable:net"). Written by this project.
 * Describes: modules/network/net/net.js and modules/network/net/esp/modNet.c (manifest
 * modules/network/net/manifest.json, included by examples/manifest_net.json).
 */
declare module "moddable:net" {
  const Net: {
    /** Station IP or MAC address as text, or undefined when there is none. */
    get(property: "IP" | "MAC", mode?: "station" | "ap" | "ethernet"): string | undefined;
    get(property: "SSID"): string | undefined;
    get(property: "RSSI"): number | undefined;
    /** Resolves a host name; `address` is undefined on failure. */
    resolve(host: string, callback: (name: string, address?: string) => void): void;
  };
  export default Net;
}
