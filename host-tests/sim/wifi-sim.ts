/**
 * A simulated Wi-Fi for the onboarding state machine on the host: networks with passwords, an access point
 * that opens and closes, a station that joins after `joinMs` when the SSID exists and the password fits.
 * Time is driven by the caller (`advance`), so tests run the N-minute fallback in microseconds.
 */
import type { WifiActions } from "../../firmware/web/wifi-mode.js";
import type { WifiNetwork } from "../../firmware/web/web-app.js";

export interface SimNetwork {
  ssid: string;
  password?: string;
  rssi: number;
  /** false: the access point is switched off (the station cannot join). */
  up: boolean;
}

export class SimulatedWifi implements WifiActions {
  accessPointOpen = false;
  stationUp = false;
  #joining?: { ssid: string; password?: string; at: number };
  now = 0;
  readonly events: string[] = [];
  /** Station address changes go here (WifiMode.stationChanged). */
  onStation?: (up: boolean, now: number) => void;

  constructor(readonly networks: SimNetwork[], readonly settings: () => { ssid: string; password?: string } | undefined, readonly joinMs = 3000) {}

  scan(): WifiNetwork[] {
    return this.networks.filter((n) => n.up).map((n) => ({ ssid: n.ssid, rssi: n.rssi })).sort((a, b) => b.rssi - a.rssi);
  }

  openAccessPoint(): void {
    this.accessPointOpen = true;
    this.events.push("ap open");
  }
  closeAccessPoint(): void {
    this.accessPointOpen = false;
    this.events.push("ap closed");
  }
  connectStation(): void {
    const s = this.settings();
    this.events.push(`join ${s?.ssid ?? "(none)"}`);
    if (s) this.#joining = { ...s, at: this.now + this.joinMs };
  }
  stopStation(): void {
    this.#joining = undefined;
    this.#set(false);
  }

  #set(up: boolean): void {
    if (up === this.stationUp) return;
    this.stationUp = up;
    this.events.push(up ? "station up" : "station down");
    this.onStation?.(up, this.now);
  }

  /** Moves time to `now`: a pending join succeeds when the network is up and the password fits. */
  advance(now: number): void {
    this.now = now;
    const j = this.#joining;
    if (j && now >= j.at) {
      this.#joining = undefined;
      const n = this.networks.find((x) => x.ssid === j.ssid && x.up);
      if (n && (n.password ?? "") === (j.password ?? "")) this.#set(true);
    }
    if (this.stationUp) {
      const s = this.settings();
      const n = this.networks.find((x) => x.ssid === s?.ssid);
      if (!n || !n.up) this.#set(false);
    }
  }
}
