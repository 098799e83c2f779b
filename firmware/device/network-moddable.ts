/**
 * The device's network interface (docs/network.md): Ethernet when the board has it (pins.json `ethernet`,
 * ./network-ethernet-moddable.ts, loaded with import() only on Ethernet boards because only their manifests
 * include the SDK's Ethernet module), else the Wi-Fi station (`embedded:network/interface/wifi`), both behind
 * ./network.ts `NetworkLink`. Device only.
 *
 * The Ethernet chip and pins are compiled in from the board's manifest `defines.ethernet` (checked against
 * pins.json by host-tests/test/boards.test.ts); nothing here names a pin or an SPI host.
 */
import WiFi from "embedded:network/interface/wifi";
import type { BoardDescription } from "../platform/board.js";
import { NetworkLink, type NetworkDevice, type NetworkEvent, type NetworkStatus } from "../platform/network.js";
import { spiPlan } from "../platform/spi-plan.js";

export interface DeviceNetworkOptions {
  board: BoardDescription;
  /** ./network-ethernet-moddable.ts `ethernetDevice`, on Ethernet boards. */
  ethernet?: (hostname: string | undefined, changed: () => void) => NetworkDevice;
  /** Wi-Fi credentials (ignored on Ethernet boards). */
  wifi?: { ssid: string; password?: string };
  hostname?: string;
  now: () => number;
  onChange: (event: NetworkEvent, status: NetworkStatus) => void;
  log: (message: string) => void;
}

function wifiDevice(ssid: string, password: string | undefined, changed: () => void): NetworkDevice {
  const wifi = new WiFi({ onChanged: () => changed() });
  return {
    kind: "wifi",
    connect: () => wifi.connect(password ? { SSID: ssid, password } : { SSID: ssid }),
    disconnect: () => wifi.disconnect(),
    get connection() {
      return wifi.connection;
    },
    get address() {
      return wifi.address;
    },
    get MAC() {
      return wifi.MAC;
    },
    close: () => wifi.close(),
  };
}

/**
 * The board's network as a NetworkLink, or undefined when there is none to use (no Ethernet and no SSID, or an
 * SPI plan the SDK cannot start — logged, never an abort).
 */
export function createDeviceNetwork(o: DeviceNetworkOptions): NetworkLink | undefined {
  let link: NetworkLink | undefined;
  const changed = () => link?.changed();
  let device: NetworkDevice;
  if (o.board.ethernet) {
    const plan = spiPlan(o.board);
    if (plan.sdkProblems.length) {
      for (const p of plan.sdkProblems) o.log(`ethernet: ${p}`);
      return undefined;
    }
    if (!o.ethernet) {
      o.log("ethernet: the Ethernet module is not loaded");
      return undefined;
    }
    device = o.ethernet(o.hostname, changed);
  } else if (o.wifi && o.wifi.ssid) {
    device = wifiDevice(o.wifi.ssid, o.wifi.password, changed);
  } else return undefined;
  link = new NetworkLink({ device, now: o.now, onChange: o.onChange });
  return link;
}
