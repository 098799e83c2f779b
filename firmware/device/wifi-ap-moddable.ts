/**
 * Device side of onboarding: the soft access point with a captive DNS (every name → the gateway, so phones show
 * the onboarding page), the Wi-Fi scan list for that page, the `.local` name by mDNS, and the long press of the
 * board's button. SDK modules: classic `wifi` (WiFi.accessPoint with station:true = AP+STA, WiFi.scan),
 * `dns/server`, `mdns`, `net` (types/moddable-*.d.ts say what each does). Device only; type-checked here and run
 * only in simulation (the state machine that drives it, firmware/web/wifi-mode.ts, is tested on the host).
 */
import WiFi from "moddable:wifi";
import DNSServer from "moddable:dns/server";
import MDNS from "moddable:mdns";
import Net from "moddable:net";
import Timer from "moddable:timer";
import Digital from "embedded:io/digital";
import type { WifiNetwork } from "../web/web-app.js";

/** ESP-IDF's default soft-AP address (esp_netif default AP config), used if Net cannot tell. */
const DEFAULT_AP_IP = "192.168.4.1";
const MAX_NETWORKS = 20;

export class DeviceAccessPoint {
  #dns?: DNSServer;
  #networks: WifiNetwork[] = [];
  open = false;

  /** `ssid`: the AP name, e.g. "wmbus-gw-1a2b" (board + id); open network (no password) for the captive page. */
  constructor(readonly ssid: string, readonly log: (m: string) => void) {}

  openAccessPoint(): void {
    try {
      WiFi.accessPoint({ ssid: this.ssid.slice(0, 32), station: true, max: 2 });
      this.open = true;
      const ip = Net.get("IP", "ap") ?? DEFAULT_AP_IP;
      this.#dns ??= new DNSServer(() => ip);
      this.log(`access point "${this.ssid}" open; onboarding page on http://${ip}/`);
      this.scan();
    } catch (e) {
      this.log(`access point failed: ${String(e)}`);
    }
  }

  closeAccessPoint(): void {
    this.#dns?.close();
    this.#dns = undefined;
    if (this.open) WiFi.mode = WiFi.Mode.station;
    this.open = false;
  }

  /** Starts a scan; the page reads the last complete list. */
  scan(): void {
    const found: WifiNetwork[] = [];
    WiFi.scan({}, (item) => {
      if (item) {
        if (item.ssid && found.length < MAX_NETWORKS && !found.some((n) => n.ssid === item.ssid)) found.push({ ssid: item.ssid, rssi: item.rssi });
      } else this.#networks = found.sort((a, b) => b.rssi - a.rssi);
    });
  }

  networks(): WifiNetwork[] {
    if (this.open) this.scan(); // refresh for the next page load
    return this.#networks;
  }
}

/** Claims `<hostName>.local`; logs the name finally claimed. */
export function claimMdnsName(hostName: string, port: number, log: (m: string) => void): MDNS | undefined {
  try {
    const mdns: MDNS = new MDNS({ hostName }, (message, value) => {
      if (message === MDNS.hostName && value) {
        log(`web interface also at http://${value}.local${port === 80 ? "" : ":" + port}/`);
        mdns.add({ name: "http", protocol: "tcp", port, txt: {} });
      }
    });
    return mdns;
  } catch (e) {
    log(`mDNS: ${String(e)}`);
    return undefined;
  }
}

/** Calls `onLongPress` when the button (active low, as the boards' BOOT/PRG buttons are) is held `holdMs`. */
export function watchButton(pin: number, holdMs: number, onLongPress: () => void): void {
  const button = new Digital({ pin, mode: Digital.InputPullUp });
  let heldFor = 0;
  Timer.repeat(() => {
    if (button.read() === 0) {
      heldFor += 100;
      if (heldFor === holdMs) onLongPress();
    } else heldFor = 0;
  }, 100);
}
