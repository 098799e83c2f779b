/**
 * The wired M-Bus segment of a running gateway (docs/wired.md), the same on the device (firmware/main.ts, the
 * ESP32 UART) and on the host (`npm start`, the simulated segment): a WiredMaster on the line at the configured
 * speed, a WiredPoller over the configured wired meters, each polled telegram into Gateway.handleWired (so it
 * becomes a reading, MQTT and Home Assistant output like a radio meter's), each failed poll to `log`. Pure.
 */
import type { GatewayConfig } from "../gateway/config.js";
import type { Gateway } from "../gateway/gateway.js";
import type { LineTimers, SerialLine } from "./line.js";
import { WiredMaster } from "./master.js";
import { wiredPlans } from "./plans.js";
import { WiredPoller, type MeterPollStats } from "./poller.js";

export interface WiredServiceOptions {
  gateway: Gateway;
  /** The line of the configured UART (device: ModdableSerialLine; host: the simulated segment). */
  line(uart: number | undefined): SerialLine;
  timers: LineTimers;
  log?(message: string): void;
  /** The level converter echoes the master's bytes (docs/wired.md). */
  echo?: boolean;
}

export class WiredService {
  readonly #o: WiredServiceOptions;
  #master?: WiredMaster;
  #poller?: WiredPoller;
  #polls = 0;

  constructor(o: WiredServiceOptions) {
    this.#o = o;
  }

  /** True while a poller runs (the settings name at least one wired meter). */
  get running(): boolean {
    return this.#poller !== undefined;
  }

  /** (Re)starts polling the wired meters of `config`; stops when it has none. */
  start(config: GatewayConfig): void {
    this.stop();
    const plans = wiredPlans(config);
    if (plans.length === 0) return;
    const o = this.#o;
    const baud = config.wired?.baud ?? 2400;
    const master = new WiredMaster(o.line(config.wired?.uart), o.timers, { baud, echo: o.echo });
    master.open(baud);
    this.#master = master;
    this.#poller = new WiredPoller(master, o.timers, plans, {
      frames: (plan, frames) => {
        const poll = `${plan.meterId}-${++this.#polls}`;
        frames.forEach((f, i) => o.gateway.handleWired(f, plan.meterId, frames.length > 1 ? `${poll}.${i + 1}` : poll));
      },
      failed: (plan, reason) => o.log?.(`wired meter ${plan.meterId}: ${reason}`),
    });
    this.#poller.start();
    o.log?.(`wired M-Bus: polling ${plans.length} meter(s) at ${baud} Bd`);
  }

  stop(): void {
    this.#poller?.stop();
    this.#master?.close();
    this.#poller = undefined;
    this.#master = undefined;
  }

  /** Per-meter poll counters and the master's line counters (status page, tests). */
  stats(): { meters: MeterPollStats[]; line?: WiredMaster["stats"] } {
    return { meters: this.#poller?.stats() ?? [], line: this.#master ? { ...this.#master.stats } : undefined };
  }
}
