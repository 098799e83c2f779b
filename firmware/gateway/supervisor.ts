/**
 * Keeps the device gateway alive: Wi-Fi reconnect with backoff, SNTP until the clock is set (and once a day),
 * and a radio watchdog that restarts the radio when it has delivered no frame for `radioSilenceMs` (a wedged
 * chip or a lost interrupt; meters send every few seconds to minutes, so long silence means a fault).
 * Pure: it decides, the device entry (firmware/main.ts) acts through the injected `actions`; it runs its checks
 * on an injected timer so host tests drive it on simulated time.
 */
import type { TimeService } from "../vocabulary.js";
import type { SupervisorStats } from "../uplink/status.js";
export interface SupervisorActions {
  /** Starts a Wi-Fi connection attempt. */
  connectWifi(): void;
  /** Starts one SNTP request; the device calls `clockSet()` when it answers. */
  requestTime(): void;
  /** Closes and re-creates the radio. */
  restartRadio(reason: string): void;
  /** Status LED on/off (no-op when the board has none). */
  led(on: boolean): void;
  /** Diagnostic line (never secrets). */
  log(message: string): void;
}

/** What the supervisor needs of the time service: the monotonic clock and repeat timers. */
export type SupervisorTimers = Pick<TimeService, "ticks" | "repeat" | "clear">;

export interface SupervisorOptions {
  actions: SupervisorActions;
  timers: SupervisorTimers;
  /** Check period (default 1 s). */
  tickMs?: number;
  /** First Wi-Fi retry delay (default 2 s), doubled per failure up to `wifiMaxMs` (default 5 min). */
  wifiMinMs?: number;
  wifiMaxMs?: number;
  /** Radio silence that triggers a restart (default 15 min). */
  radioSilenceMs?: number;
  /** SNTP retry while unset (default 30 s) and refresh once set (default 24 h). */
  sntpRetryMs?: number;
  sntpRefreshMs?: number;
}

export class Supervisor {
  readonly #o: Required<Omit<SupervisorOptions, "actions" | "timers">>;
  readonly #a: SupervisorActions;
  readonly #t: SupervisorTimers;
  #handle: unknown;
  #wifiUp = false;
  #wifiDelay: number;
  #nextWifiAt = 0;
  #clockSet = false;
  #nextSntpAt = 0;
  #lastFrameAt: number;
  #blinkUntil = 0;
  readonly #stats: SupervisorStats = { wifiConnected: false, wifiAttempts: 0, wifiDrops: 0, clockSet: false, radioRestarts: 0 };

  constructor(o: SupervisorOptions) {
    this.#a = o.actions;
    this.#t = o.timers;
    this.#o = {
      tickMs: o.tickMs ?? 1000, wifiMinMs: o.wifiMinMs ?? 2000, wifiMaxMs: o.wifiMaxMs ?? 300_000,
      radioSilenceMs: o.radioSilenceMs ?? 900_000, sntpRetryMs: o.sntpRetryMs ?? 30_000, sntpRefreshMs: o.sntpRefreshMs ?? 86_400_000,
    };
    this.#wifiDelay = this.#o.wifiMinMs;
    this.#lastFrameAt = this.#t.ticks();
  }

  start(): void {
    this.#tick();
    this.#handle = this.#t.repeat(() => this.#tick(), this.#o.tickMs);
  }

  stop(): void {
    if (this.#handle !== undefined) this.#t.clear(this.#handle);
    this.#handle = undefined;
  }

  /** Wi-Fi has an IP address (true) or lost it (false). */
  wifiChanged(up: boolean): void {
    if (up === this.#wifiUp) return;
    this.#wifiUp = up;
    this.#stats.wifiConnected = up;
    if (up) {
      this.#wifiDelay = this.#o.wifiMinMs;
      this.#nextSntpAt = this.#t.ticks(); // ask for the time right away
      this.#a.log("Wi-Fi connected");
    } else {
      this.#stats.wifiDrops++;
      this.#nextWifiAt = this.#t.ticks() + this.#wifiDelay;
      this.#a.log(`Wi-Fi lost; reconnecting in ${Math.round(this.#wifiDelay / 1000)} s`);
    }
  }

  /** SNTP answered and the clock is set. */
  clockSet(): void {
    this.#clockSet = true;
    this.#stats.clockSet = true;
    this.#nextSntpAt = this.#t.ticks() + this.#o.sntpRefreshMs;
  }

  /** The radio delivered a frame (feeds the radio watchdog; blinks the LED). */
  frame(): void {
    this.#lastFrameAt = this.#t.ticks();
    this.#blinkUntil = this.#lastFrameAt + 100;
  }

  stats(): SupervisorStats {
    return { ...this.#stats };
  }

  #tick(): void {
    const now = this.#t.ticks();
    if (!this.#wifiUp && now >= this.#nextWifiAt) {
      this.#stats.wifiAttempts++;
      this.#a.connectWifi();
      this.#nextWifiAt = now + this.#wifiDelay;
      this.#wifiDelay = Math.min(this.#o.wifiMaxMs, this.#wifiDelay * 2);
    }
    if (this.#wifiUp && now >= this.#nextSntpAt) {
      this.#a.requestTime();
      this.#nextSntpAt = now + (this.#clockSet ? this.#o.sntpRefreshMs : this.#o.sntpRetryMs);
    }
    if (now - this.#lastFrameAt >= this.#o.radioSilenceMs) {
      this.#stats.radioRestarts++;
      this.#a.restartRadio(`no frame for ${Math.round((now - this.#lastFrameAt) / 60_000)} min`);
      this.#lastFrameAt = now;
    }
    // LED: steady on when connected, off while not; dark for a moment on each frame (a visible "heartbeat").
    this.#a.led(this.#wifiUp && now >= this.#blinkUntil);
  }
}
