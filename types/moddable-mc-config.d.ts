/*
 * `mc/config` (imported as "moddable:mc/config"). Written by this project.
 * Describes: the frozen object mcconfig generates from the merged manifests' "config" plus the
 * command-line `key=value` arguments (tools/mcconfig.js). Command-line values are always strings,
 * so read numbers with Number(...). Keys are those of our manifest.json and boards/<board>/manifest.json.
 */
declare module "moddable:mc/config" {
  const config: {
    /** Wi-Fi SSID given as `ssid=...` on the mcconfig command line (then the SDK connects before main). */
    readonly ssid?: string;
    readonly password?: string;
    /** SNTP server (examples/manifest_net.json sets pool.ntp.org). */
    readonly sntp?: string;
    /** Board folder name, from boards/<board>/manifest.json. */
    readonly board?: string;
    /** "sx1262" | "cc1101", from boards/<board>/manifest.json. */
    readonly radio?: string;
    readonly mqttHost?: string;
    readonly mqttPort?: number | string;
    readonly mqttTopic?: string;
    readonly mqttId?: string;
    readonly httpPort?: number | string;
    /** "native" (default: the ESP-IDF radio task services the FIFO) or "js" (the drivers' own interrupt handlers). */
    readonly radioService?: string;
    readonly [key: string]: unknown;
  };
  export default config;
}
