/*
 * ECMA-419 style Ethernet interface. Written by this project.
 * Describes: modules/io/ethernet/esp32/ethernet-esp32.js and ethernet-esp32.c (manifest
 * modules/io/ethernet/manifest.json, Moddable SDK 8.2.3). The chip comes from the manifest
 * `defines.ethernet`: the ESP32's internal MAC with an RMII PHY (`internal.phy.address`, `internal.mac.MDC`/
 * `MDIO`, optional `power_pin`, `internal.phy.GPIO0_clock_input`) or an SPI chip (`w5500: 1`, `spi.port`,
 * `spi.cs_pin`, `int_pin`, …); docs/boards.md.
 *
 * `connection`: 200 no link, 300 connecting, 400 link without an address, 500 link with an IPv4 address.
 * `connect()` throws while a connection attempt is in progress ("already connecting").
 * `onChanged` is called on the JavaScript thread with "connection" or "address"; `this` is the instance.
 */
declare module "embedded:network/interface/ethernet" {
  export interface EthernetOptions {
    onChanged?: (this: Ethernet, property: "connection" | "address" | string) => void;
  }

  export default class Ethernet {
    constructor(options?: EthernetOptions);
    connect(): void;
    disconnect(): void;
    configure(options: {
      hostname?: string;
      /** A static IPv4 address, or false to return to DHCP. */
      static?: { address: string; mask: string; gateway: string } | false;
    }): void;
    close(): void;
    get connection(): number;
    /** Dotted IPv4 address, or undefined while there is none. */
    get address(): string | undefined;
    /** "aa:bb:cc:dd:ee:ff". */
    get MAC(): string | undefined;
  }
}
