/**
 * A whole simulated gateway with its web interface, on the host: the apartment, the gateway pipeline, uplinks
 * that can be swapped (SwitchHub), the WebApp over node:http, a simulated Wi-Fi driven by the onboarding state
 * machine, and a simulated update slot. `npm start` and the browser tests use it, so both exercise the same
 * wiring the device main does (firmware/web/apply.ts, wifi-mode.ts, web-app.ts).
 */
import { loadConfig, problemText, type GatewayConfig } from "../firmware/gateway/config.js";
import { Gateway } from "../firmware/gateway/gateway.js";
import type { KeyValueStore } from "../firmware/platform/services.js";
import { SwitchHub } from "../firmware/uplink/switch-hub.js";
import { tapHub, type OutgoingReading, type UplinkHub } from "../firmware/uplink/uplink.js";
import { applySettings } from "../firmware/web/apply.js";
import { WebApp } from "../firmware/web/web-app.js";
import { WifiMode } from "../firmware/web/wifi-mode.js";
import { Apartment } from "../host-tests/sim/apartment.js";
import { CommandService } from "../firmware/gateway/command-service.js";
import { WiredService } from "../firmware/wired/wired-service.js";
import { SimSegment, type SimSlaveOptions } from "../host-tests/sim/mbus/segment.js";
import { VirtualClock } from "../host-tests/sim/mbus/virtual-clock.js";
import { buildingBusSlaves } from "../host-tests/sim/mbus/building-bus.js";
import { noTransmitter, type Transmitter } from "../firmware/radio/transmit.js";
import { nodeCipher } from "./aes-node.js";
import { DirectFrameSource } from "../host-tests/rigs/gateway-direct-source.js";
import { AirFrameSource, SimulatedAir, type SimChipKind } from "../host-tests/rigs/gateway-air-source.js";
import { createHostHub } from "./gateway-hub.js";
import { createHostRawOutput } from "./raw-wiring.js";
import { HOST_MEMO } from "./host-memo.js";
import type { RawOutput } from "../firmware/uplink/raw.js";
import { connect, runApartment, SimClock, type SimulatedReceiver } from "../host-tests/sim/gateway-runner.js";
import { SimulatedPartition } from "../host-tests/sim/ota-sim.js";
import { startWebAppServer, type WebAppServer } from "./web-app-server.js";
import { nodeHash } from "./web-crypto-node.js";
import { SimulatedWifi, type SimNetwork } from "../host-tests/sim/wifi-sim.js";
import type { StatusParts } from "../firmware/uplink/status.js";

/** The board the simulated device claims for OTA (the Heltec board's name and chip, boards/heltec-…/manifest.json). */
export const SIM_BOARD = { board: "heltec-wifi-lora-32-v3", chip: "esp32s3" };
export const SIM_FIRMWARE = "0.1.0-sim";

export interface SimDeviceOptions {
  store: KeyValueStore;
  apartment: Apartment;
  httpPort?: number;
  fallbackToFree?: boolean;
  /** Frames straight from the apartment (default) or through a chip simulator. */
  chip?: SimChipKind | "direct";
  networks?: SimNetwork[];
  /** PBKDF2 iterations (tests use few). */
  iterations?: number;
  observe?: (text: string) => void;
  onReading?: (r: OutgoingReading) => void;
  log?: (message: string) => void;
  dataDir?: string;
  /** How commands are sent (default: none, every send is refused). */
  transmitter?: Transmitter;
  /** The slaves on the simulated wired M-Bus segment (default: the building's, host-tests/sim/mbus/building-bus.ts). */
  wiredSlaves?: SimSlaveOptions[];
  /** Changes the loaded settings in memory before the gateway starts (npm start's flags, e.g. --raw). */
  adjust?: (config: GatewayConfig) => void;
}

export class SimDevice {
  readonly app: WebApp;
  readonly gateway: Gateway;
  readonly hub: SwitchHub;
  readonly clock: SimClock;
  readonly source: SimulatedReceiver;
  readonly wifi: SimulatedWifi;
  readonly wifiMode: WifiMode;
  readonly partition = new SimulatedPartition(2 * 1024 * 1024);
  readonly raw?: RawOutput;
  readonly commands: CommandService;
  /** The wired M-Bus segment: simulated slaves on a virtual clock that run() keeps in step with the apartment. */
  readonly wiredClock = new VirtualClock();
  readonly wiredSegment: SimSegment;
  readonly wired: WiredService;
  server?: WebAppServer;
  #stop = false;
  #running?: Promise<void>;
  #onboardingAsked = false;
  #timer?: ReturnType<typeof setInterval>;
  #wifiStart = Date.now();

  constructor(readonly o: SimDeviceOptions) {
    const log = o.log ?? (() => undefined);
    const { config, problems } = loadConfig(o.store);
    o.adjust?.(config);
    for (const p of problems) log(`settings: ${problemText(p)}`);
    this.clock = new SimClock(o.apartment.startMs);
    let mqttUplink: Parameters<typeof createHostRawOutput>[1];
    let app: WebApp | undefined;
    const cipher = nodeCipher();
    // Commands (docs/bidirectional.md): from MQTT …/<meter>/set and the web API; the simulated radio has no
    // transmit path, so a command is queued, and fails or expires if a meter opens a window.
    this.commands = new CommandService({
      config: () => this.gateway.config, now: () => this.clock.now(), cipher,
      transmitter: o.transmitter ?? noTransmitter("the simulated receiver has no transmit path"),
      store: o.store, // mode 7 message counters survive restarts, as on the device
      onOutcome: (c) => app?.events.publish("command", { ...c }),
    });
    if (this.commands.counterProblem) log(`commands: ${this.commands.counterProblem}`);
    const createHub = (c: GatewayConfig): UplinkHub => createHostHub(c, { dataDir: o.dataDir, onDiagnostic: (m) => log(`uplink: ${m}`), onMqttUplink: (u) => {
      mqttUplink = u;
      this.commands.attachMqtt(u);
    } });
    this.hub = new SwitchHub(createHub(config));
    // Raw frame output on the first MQTT uplink (a broker changed on the web page does not move it: docs/web.md).
    this.raw = createHostRawOutput(config, mqttUplink, log);
    const tapped = tapHub(this.hub, (r) => {
      app?.onReading(r);
      o.onReading?.(r);
    });
    this.gateway = new Gateway({
      config, configProblems: problems, clock: this.clock, cipher, hub: tapped, device: "sim", raw: this.raw, memo: HOST_MEMO,
      onTelegram: (id, t, frame) => void this.commands.onTelegram(id, t, frame),
    });
    this.source = !o.chip || o.chip === "direct" ? new DirectFrameSource() : new AirFrameSource({ air: new SimulatedAir({ clock: this.clock }), chip: o.chip, onDiagnostic: (m) => log(`radio: ${m}`) });
    this.#connectRadio();
    this.wiredSegment = new SimSegment(this.wiredClock, o.wiredSlaves ?? buildingBusSlaves());
    this.wired = new WiredService({ gateway: this.gateway, line: () => this.wiredSegment, timers: this.wiredClock, log: (m) => log(m) });
    this.wired.start(config);
    this.wifi = new SimulatedWifi(o.networks ?? [{ ssid: "home", password: "correct horse", rssi: -52, up: true }, { ssid: "neighbour", password: "secret-ish", rssi: -80, up: true }], () => this.gateway.config.wifi, 1500);
    this.wifiMode = new WifiMode({ actions: { ...bind(this.wifi), log }, failMs: 5 * 60_000 });
    this.wifi.onStation = (up, now) => this.wifiMode.stationChanged(up, now);
    this.app = app = new WebApp({
      hash: nodeHash,
      store: o.store,
      now: () => Date.now(),
      iterations: o.iterations,
      firmwareVersion: SIM_FIRMWARE,
      config: () => this.gateway.config,
      status: () => this.gateway.status(this.statusParts()),
      apply: (c, changed, p) =>
        applySettings({ gateway: this.gateway, hub: this.hub, createHub, restartRadio: () => this.#connectRadio(), restartWired: (c) => this.wired.start(c), joinNetwork: () => undefined, log }, c, changed, p),
      onboarding: {
        requested: () => this.#onboardingAsked,
        request: () => {
          this.#onboardingAsked = true;
          this.wifiMode.requestOnboarding(this.#wifiNow());
        },
        networkConfigured: () => {
          this.#onboardingAsked = false;
          this.wifiMode.networkConfigured(this.#wifiNow());
        },
        networks: () => this.wifi.scan(),
      },
      ota: { partition: this.partition, target: SIM_BOARD, completed: (v) => log(`firmware ${v} written to the update slot (simulated); restart to run it`) },
      commands: this.commands,
    });
    this.wifiMode.start(config.wifi !== undefined, false, 0);
  }

  /** One status document for the status topic and the web page (firmware/uplink/status.ts). */
  statusParts(): StatusParts {
    return { radio: this.source.stats(), uplink: this.hub.stats(), device: { wifi: this.wifiMode.role, access_point: this.wifi.accessPointOpen, heap: process.memoryUsage().heapUsed }, ...(this.wired.running ? { wired: this.wired.stats() } : {}) };
  }

  /** The radio's frames: answers to commands in flight go to the command queue, the rest to the gateway. */
  #connectRadio(): void {
    this.source.start(this.gateway.config.radioMode, (f) => {
      if (!this.commands.onAnswer(f)) this.gateway.handleFrame(f);
    });
  }

  #wifiNow(): number {
    return Date.now() - this.#wifiStart;
  }

  async listen(): Promise<WebAppServer> {
    this.server = await startWebAppServer(this.app, this.o.httpPort ?? 0, this.o.fallbackToFree ?? false, this.o.observe);
    this.#timer = setInterval(() => {
      const now = this.#wifiNow();
      this.wifi.advance(now);
      this.wifiMode.tick(now);
      this.app.publishStatus();
    }, 500);
    return this.server;
  }

  /** Runs the apartment in the background at `speed` simulated ms per real ms. */
  run(speed: number, durationMs = Infinity, onStatus?: (now: number) => void): Promise<void> {
    this.#running = runApartment({
      apartment: this.o.apartment, clock: this.clock, gateways: [{ gateway: this.gateway, source: this.source, statusParts: () => this.statusParts() }], durationMs, speed, stopped: () => this.#stop, onStatus,
      advance: (ms) => this.#advanceWired(ms),
    });
    return this.#running;
  }

  /** Runs the wired segment's timers up to `ms` (apartment time), moving the gateway's clock to each one first. */
  async #advanceWired(ms: number): Promise<void> {
    const start = this.o.apartment.startMs;
    for (;;) {
      const next = this.wiredClock.nextAt();
      if (start + next > ms) break;
      this.clock.advanceTo(start + next);
      await this.wiredClock.runUntil(next);
    }
    await this.wiredClock.runUntil(ms - start);
  }

  /** Ends run() at its next step. */
  stop(): void {
    this.#stop = true;
  }

  async close(): Promise<void> {
    this.#stop = true;
    await this.#running;
    if (this.#timer) clearInterval(this.#timer);
    await this.server?.close();
    this.wired.stop();
    await this.hub.close();
    this.raw?.close();
    this.source.close();
  }
}

function bind(w: SimulatedWifi) {
  return {
    openAccessPoint: () => w.openAccessPoint(),
    closeAccessPoint: () => w.closeAccessPoint(),
    connectStation: () => w.connectStation(),
    stopStation: () => w.stopStation(),
  };
}

export { Apartment };
