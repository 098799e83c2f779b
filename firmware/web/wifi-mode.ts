/**
 * Which Wi-Fi role the gateway plays: its own access point for onboarding, or a station on the owner's network,
 * with the access point reopened when the network stays unreachable. Pure state machine; the device wires its
 * actions to the SDK's `wifi` module (access point + station) and the host tests drive it with a simulated Wi-Fi.
 *
 *   onboarding   no Wi-Fi settings, or onboarding asked for (settings flag / long press): access point open,
 *                station off. Leaves when settings with a Wi-Fi network are saved → joining.
 *   joining      station connecting, access point closed. Up → online. Not up within `failMs` → fallback.
 *   online       station has an address. Down → joining (the failure clock starts at the loss).
 *   fallback     access point open again AND the station keeps retrying every `retryMs`; settings untouched.
 *                Station up → online (access point closed).
 */

export type WifiRole = "onboarding" | "joining" | "online" | "fallback";

export interface WifiActions {
  openAccessPoint(): void;
  closeAccessPoint(): void;
  /** Starts (or restarts) joining the configured network. */
  connectStation(): void;
  stopStation(): void;
  log?(message: string): void;
}

export interface WifiModeOptions {
  actions: WifiActions;
  /** How long the station may fail before the access point reopens (default 5 min). */
  failMs?: number;
  /** Station retry period while in fallback (default 60 s). */
  retryMs?: number;
}

export class WifiMode {
  #role: WifiRole = "onboarding";
  #since = 0;
  #lastRetry = 0;
  readonly #a: WifiActions;
  readonly #failMs: number;
  readonly #retryMs: number;
  /** Times the access point reopened after failures. */
  fallbacks = 0;

  constructor(o: WifiModeOptions) {
    this.#a = o.actions;
    this.#failMs = o.failMs ?? 5 * 60_000;
    this.#retryMs = o.retryMs ?? 60_000;
  }

  get role(): WifiRole {
    return this.#role;
  }

  #to(role: WifiRole, now: number): void {
    if (role !== this.#role) this.#a.log?.(`wifi: ${this.#role} → ${role}`);
    this.#role = role;
    this.#since = now;
    this.#lastRetry = now;
  }

  /** At boot: `hasNetwork` = Wi-Fi settings exist; `onboardingAsked` = the settings flag or a held button. */
  start(hasNetwork: boolean, onboardingAsked: boolean, now: number): void {
    if (!hasNetwork || onboardingAsked) {
      this.#to("onboarding", now);
      this.#a.openAccessPoint();
    } else {
      this.#to("joining", now);
      this.#a.connectStation();
    }
  }

  /** The owner asked for onboarding (long press, settings flag): access point, station off. */
  requestOnboarding(now: number): void {
    if (this.#role === "onboarding") return;
    this.#a.stopStation();
    if (this.#role !== "fallback") this.#a.openAccessPoint();
    this.#to("onboarding", now);
  }

  /** Settings with a Wi-Fi network were saved (onboarding page or settings page). */
  networkConfigured(now: number): void {
    if (this.#role === "onboarding" || this.#role === "fallback") this.#a.closeAccessPoint();
    this.#to("joining", now);
    this.#a.connectStation();
  }

  /** The station's address came or went. */
  stationChanged(up: boolean, now: number): void {
    if (up) {
      if (this.#role === "onboarding") return; // a stale event after the owner asked for onboarding
      if (this.#role === "fallback") this.#a.closeAccessPoint();
      if (this.#role !== "online") this.#to("online", now);
    } else if (this.#role === "online") this.#to("joining", now);
  }

  /** Call every few seconds. */
  tick(now: number): void {
    if (this.#role === "joining" && now - this.#since >= this.#failMs) {
      this.fallbacks++;
      this.#a.log?.(`wifi: no network for ${Math.round((now - this.#since) / 1000)} s; opening the access point (settings kept)`);
      this.#to("fallback", now);
      this.#a.openAccessPoint();
    } else if (this.#role === "fallback" && now - this.#lastRetry >= this.#retryMs) {
      this.#lastRetry = now;
      this.#a.connectStation();
    }
  }
}
