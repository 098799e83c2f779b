/**
 * Device entry (manifest `creation.main` = "wmbus/main"): settings from the preferences, Wi-Fi with reconnect,
 * SNTP, the radio of the board, the gateway pipeline, the uplinks, a radio watchdog, the status LED and the
 * local web page. Everything that can be decided without hardware lives in pure modules (gateway/*, uplink/*,
 * radio/*, web/*) tested on the host; this file only wires Moddable objects to them. Start-up errors are traced,
 * because the SDK drops an exception thrown while the main module loads.
 *
 *   radio    firmware/radio/create-radio.ts builds the CC1101/SX1262 driver from `device.peripheral.radio`, the
 *            io bundles boards/common/provider.js made from the board's pins.json (the one place pins become
 *            io); the native radio task takes its pins from the same bundles. The host simulator runs the
 *            same provider with its own io classes (host-tests/rigs/board-provider.ts).
 *   uplinks  device/device-uplinks.ts; SecureSocket for mqtts:// and https:// (modules/crypt/tls.json).
 *   web      web/web-app.ts (login, settings, meters, live events, OTA) over the classic `http` Server on
 *            mc/config `httpPort` (default 80), from boot: device/web-server-moddable.ts.
 *   commands gateway/command-service.ts: commands from MQTT …/<meter>/set (every MQTT uplink made subscribes) and the
 *            web API, sent in the meters' response windows through the running driver's transmit path
 *            (docs/bidirectional.md; T2 needs the native "send at", not wired yet).
 *   wired    wired/wired-service.ts polls the settings' wired meters over the board's UART (pins.json `wired`,
 *            `wiredTx`, `wiredRx`) through an M-Bus level converter (docs/wired.md); run only in simulation.
 *   onboard  web/wifi-mode.ts decides access point vs station: no Wi-Fi settings, the settings flag or a 5 s press
 *            of the board's button open the access point with a captive page (device/wifi-ap-moddable.ts);
 *            Wi-Fi failing for 5 minutes reopens it, settings kept. Saved settings apply without a reboot
 *            (web/apply.ts). These device parts are type-checked and have run only in simulation (docs/web.md).
 */
import "./device/text-globals.js";
import SNTP from "moddable:sntp";
import Timer from "moddable:timer";
import Digital from "embedded:io/digital";
import mcConfig from "moddable:mc/config";
import SecureSocket from "moddable:securesocket";
import board from "wmbus/board";
import { ModdableAes } from "./device/aes-crypt.js";
import { DeviceClock } from "./device/clock.js";
import { createDeviceTime } from "./device/time.js";
import { PreferenceStore } from "./device/storage-preference.js";
import { Gateway } from "./gateway/gateway.js";
import { DEVICE_FRAME_MEMO } from "./application/format-cache.js";
import { DEVICE_SHAPE_MEMO } from "./application/record-shape.js";
import { RawOutput, type RawPublisher } from "./uplink/raw.js";
import { createDeviceRawSinks } from "./device/raw-sinks-moddable.js";
import type { NetworkLink } from "./platform/network.js";
import { createDeviceNetwork } from "./device/network-moddable.js";
import { loadConfig, problemText, type GatewayConfig } from "./gateway/config.js";
import { RadioFrameSource, type FrameSource } from "./gateway/frame-source.js";
import { Supervisor } from "./gateway/supervisor.js";
import type { Radio, RadioFrame } from "./radio/radio.js";
import { createRadio, nativeTaskPins, type RadioPeripheralBundles } from "./radio/create-radio.js";
import { RadioService } from "./radio/radio-service.js";
import { NativeRadioTask } from "./native/radio-task-native.js";
import { deviceRadioTimers } from "./device/radio-timers.js";
import { droppingHub, tapHub, type UplinkHub } from "./uplink/uplink.js";
import { createDeviceUplinks } from "./device/device-uplinks.js";
import { SwitchHub } from "./uplink/switch-hub.js";
import { WebApp } from "./web/web-app.js";
import { WifiMode } from "./web/wifi-mode.js";
import { applySettings } from "./web/apply.js";
import { moddableHash } from "./device/web-crypto-moddable.js";
import { DeviceOtaPartition } from "./device/ota-partition.js";
import { startDeviceWebServer } from "./device/web-server-moddable.js";
import { claimMdnsName, DeviceAccessPoint, watchButton } from "./device/wifi-ap-moddable.js";
import type { StatusParts } from "./uplink/status.js";
import { CommandService } from "./gateway/command-service.js";
import { noTransmitter, type Transmitter } from "./radio/transmit.js";
import type { MqttUplink } from "./uplink/mqtt-uplink.js";
import { WiredService } from "./wired/wired-service.js";
import { ModdableSerialLine } from "./device/serial-moddable.js";

/** Settings-store flag: "1" = open the onboarding access point at the next boot too (settings page button). */
const ONBOARD_FLAG = "web.onboard";
const LONG_PRESS_MS = 5000;
const FIRMWARE_VERSION = "0.1.0";

const STATUS_EVERY_MS = 60_000;

function log(message: string): void {
  trace(`wmbus-gateway: ${message}\n`);
}

/**
 * The board's radio peripheral: the io bundles boards/common/provider.js made from pins.json, the one place
 * where pins become io (the embedded:io classes have the constructor shape the driver contract types loosely).
 */
function radioPeripheral(): RadioPeripheralBundles {
  const radio = device.peripheral.radio;
  if (!radio) throw new Error("the board provider has no radio peripheral (boards/<board>/pins.json)");
  return radio as unknown as RadioPeripheralBundles;
}

/** The board's radio driver (not started). createRadio checks pins.json first and throws naming the bad pin. */
function createBoardRadio(onFrame: (frame: RadioFrame) => void, native?: NativeRadioTask): Radio {
  return createRadio(board, radioPeripheral(), { timers: deviceRadioTimers, onFrame, onDiagnostic: (m) => log(`radio: ${m}`) }, native);
}

/**
 * The native radio task for the board's chip (firmware/native/wmbus_radio_task_esp32.c), or undefined when
 * the build asks for the JS service (`radioService=js` on the mcconfig command line). With the task, FIFO
 * service runs in C at its own priority and the XS thread only decodes (docs/performance.md, Channel load).
 */
function createNativeTask(onFrames: () => void): NativeRadioTask | undefined {
  if (String(mcConfig.radioService ?? "native") === "js") return undefined;
  // the same bundles as the JS driver's: chip select, interrupt pins, SPI port and clock
  return new NativeRadioTask({ ...nativeTaskPins(radioPeripheral()), onFrames });
}

/**
 * The uplinks of the settings (MQTT/HTTP with NVS offline buffers); on failure a hub that only counts.
 * SecureSocket is handed over always; the transports use it only for mqtts:// / `tls: true` and https://.
 */
function createHub(cfg: GatewayConfig, onMqttUplink: (u: MqttUplink) => void): UplinkHub {
  try {
    return createDeviceUplinks(cfg, { onDiagnostic: log, secure: { Socket: SecureSocket }, onMqttUplink });
  } catch (e) {
    log(`uplinks unavailable: ${String(e)}`); // parseConfig already checked the URLs; this is storage trouble
    return droppingHub(1);
  }
}

/** The board's status LED (pins.json "led"), or a no-op. */
function statusLed(): (on: boolean) => void {
  const pin = device.pin.led;
  if (pin === undefined) return () => undefined;
  const led = new Digital({ pin, mode: Digital.Output, initialValue: 0 });
  return (on) => led.write(on ? 1 : 0);
}

export default function main(): void {
  try {
    const clock = new DeviceClock(); // sets the wall clock from SNTP
    const time = createDeviceTime();
    const store = new PreferenceStore();
    const { config, problems } = loadConfig(store);
    for (const p of problems) log(`setting ${problemText(p)}`); // texts never contain keys or passwords
    const cipher = new ModdableAes();
    let rawMqtt: RawPublisher | undefined;
    let app: WebApp | undefined;
    // Commands (docs/bidirectional.md): every MQTT uplink made (also after a settings change) takes …/set messages.
    // Downlinks go through the running driver's transmit path (JS; the native "send at" is not wired yet, so T2
    // windows are met only in simulation: docs/bidirectional.md).
    let radio: Radio | undefined;
    const idle = noTransmitter("the radio is not running");
    const transmitter: Transmitter = {
      transmit: (req) => (radio !== undefined && "transmit" in radio ? (radio as Radio & Transmitter).transmit(req) : idle.transmit(req)),
    };
    const commands = new CommandService({
      config: () => gateway.config, now: () => time.ticks(), wallNow: () => time.now(), cipher,
      transmitter, store, // mode 7 message counters survive restarts (firmware/gateway/message-counters.ts)
      onOutcome: (o) => app?.events.publish("command", { ...o }),
    });
    if (commands.counterProblem) log(`commands: ${commands.counterProblem}`);
    const hub = new SwitchHub(createHub(config, (u) => {
      rawMqtt ??= u;
      commands.attachMqtt(u);
    }));
    // Raw frames (docs/raw-output.md): MQTT and UDP listeners (TCP listeners run on the host only so far).
    // They keep the first MQTT uplink: a broker changed on the web page does not move them (docs/web.md).
    const raw = config.raw ? new RawOutput({ settings: config.raw, gatewayId: config.gatewayId, mqtt: rawMqtt, sinks: createDeviceRawSinks(config.raw.sinks, log) }) : undefined;
    // Memo sizes for a device that hears a few meter models: about 1 KB per record shape, 150 B per frame format.
    const memo = { shapes: DEVICE_SHAPE_MEMO, frames: DEVICE_FRAME_MEMO };
    const gateway = new Gateway({
      config, configProblems: problems, clock: time, cipher, hub: tapHub(hub, (r) => app?.onReading(r)), device: String(mcConfig.board ?? "esp32"), raw, memo,
      onTelegram: (id, t, frame) => void commands.onTelegram(id, t, frame),
    });
    // The wired M-Bus segment on the board's UART (pins.json `wired`); polling starts with the radio.
    const wired = new WiredService({
      gateway, timers: deviceRadioTimers, log,
      line: (uart) => {
        const tx = device.pin.wiredTx, rx = device.pin.wiredRx;
        if (tx === undefined || rx === undefined || !board.wired) throw new Error("this board has no wired M-Bus UART (pins.json wired, wiredTx, wiredRx)");
        return new ModdableSerialLine({ port: uart ?? board.wired.uart, transmit: tx, receive: rx });
      },
    });
    /** Poll counters of the wired meters for the status topic and page (docs/wired.md). */
    const wiredStatus = () => (wired.running ? { wired: wired.stats() } : {});
    const startWired = (c: GatewayConfig) => {
      try {
        wired.start(c);
      } catch (e) {
        log(`wired: ${String(e)}`);
      }
    };

    let supervisor: Supervisor | undefined;
    // One native task for the whole run: the driver hands it the configured chip on every (re)start.
    let nativeTask: NativeRadioTask | undefined;
    const source: FrameSource & { restart(): void } = new RadioFrameSource((onFrame) => (radio = createBoardRadio(onFrame, nativeTask)));
    // The driver's interrupt path only enqueues; each frame is decoded in its own Timer turn, so interrupt
    // messages that arrive meanwhile run between frames (firmware/radio/radio-service.ts explains why).
    const service = new RadioService({
      post: (turn) => {
        Timer.set(turn, 0);
      },
      decode: (q) => {
        const frame = { bytes: q.bytes, stripped: q.crcChecked ? q.bytes : undefined, mode: q.mode, format: q.format, rssiDbm: q.rssiDbm, receivedAt: q.time };
        if (!commands.onAnswer(frame)) gateway.handleFrame(frame);
      },
    });
    nativeTask = createNativeTask(() => {
      supervisor?.frame();
      service.drain(nativeTask);
    });
    // The same radio counters for the status topic and the web page: driver, decode queue, native task.
    const radioStats = () => ({ ...source.stats(), ...service.stats, queueOverflows: service.queue.stats.overflows, native: nativeTask?.stats() });
    const startRadio = () => {
      try {
        source.start(config.radioMode, (frame) => {
          supervisor?.frame();
          service.frameSink(frame);
        });
      } catch (e) {
        log(`radio: ${String(e)}`);
      }
    };

    // Wi-Fi from the settings (the web page can change them at run time), else from the mcconfig command line.
    const wifiSettings = () => gateway.config.wifi ?? (mcConfig.ssid ? { ssid: String(mcConfig.ssid), password: mcConfig.password ? String(mcConfig.password) : undefined } : undefined);
    // Wi-Fi or Ethernet behind one NetworkLink (docs/network.md); the supervisor's reconnect drives it.
    let net: NetworkLink | undefined;
    let netLoading = false;
    let mdnsClaimed = false;
    const webPort = Number(mcConfig.httpPort ?? 80);
    const boardName = String(mcConfig.board ?? board.board);
    const ap = new DeviceAccessPoint(`wmbus-${config.gatewayId}`.slice(0, 32), log);
    const wifiMode = new WifiMode({
      actions: {
        openAccessPoint: () => ap.openAccessPoint(),
        closeAccessPoint: () => ap.closeAccessPoint(),
        connectStation: () => {
          // new settings: the link is rebuilt with them
          net?.disconnect();
          net = undefined;
          connectWifi();
        },
        stopStation: () => net?.disconnect(),
        log,
      },
    });
    // One status document for the MQTT status topic and the web page (uplink/status.ts): the same parts for both.
    const statusParts = (): StatusParts => ({
      radio: radioStats(),
      uplink: hub.stats(),
      device: { ...supervisor?.stats(), wifi: wifiMode.role, access_point: ap.open },
      network: net?.status(),
      ...wiredStatus(),
    });
    const wifiChanged = (up: boolean) => {
      supervisor?.wifiChanged(up);
      wifiMode.stationChanged(up, monotonicNow());
      if (up && !mdnsClaimed) {
        mdnsClaimed = true;
        claimMdnsName(config.gatewayId, webPort, log);
      }
    };
    const connectWifi = () => {
      if (wifiMode.role === "onboarding") return; // the station waits for the onboarding page
      if (net) return net.connect();
      if (netLoading) return;
      const make = (ethernet?: Parameters<typeof createDeviceNetwork>[0]["ethernet"]) => {
        const w = wifiSettings();
        net = createDeviceNetwork({
          board, ethernet, wifi: w, hostname: config.gatewayId,
          now: () => clock.now(), onChange: (_event, st) => wifiChanged(st.state === "up"), log,
        });
        net?.connect();
      };
      if (!board.ethernet) return make();
      netLoading = true; // only Ethernet boards' manifests include the SDK's Ethernet module
      import("./device/network-ethernet-moddable.js").then(
        (m) => make(m.ethernetDevice),
        (e: unknown) => log(`ethernet: ${String(e)}`),
      ).finally(() => (netLoading = false));
    };
    const monotonicNow = () => time.ticks();
    supervisor = new Supervisor({
      timers: time,
      actions: {
        connectWifi,
        requestTime: () => {
          new SNTP({ host: String(mcConfig.sntp ?? "pool.ntp.org") }, function (message, value) {
            if (message === SNTP.time && value !== undefined) {
              clock.setSeconds(value);
              supervisor?.clockSet();
            }
          });
        },
        restartRadio: (reason) => {
          log(`radio watchdog: ${reason}; restarting the radio`);
          source.restart();
        },
        led: statusLed(),
        log,
      },
    });
    app = new WebApp({
      hash: moddableHash,
      store,
      now: monotonicNow,
      firmwareVersion: FIRMWARE_VERSION,
      config: () => gateway.config,
      status: () => gateway.status(statusParts()),
      apply: (c, changed, p) =>
        applySettings({
          gateway, hub, createHub: (cfg) => createHub(cfg, (u) => commands.attachMqtt(u)), restartRadio: () => source.restart(), restartWired: startWired,
          joinNetwork: () => wifiMode.networkConfigured(monotonicNow()), log,
        }, c, changed, p),
      onboarding: {
        requested: () => store.get(ONBOARD_FLAG) === "1",
        request: () => {
          store.set(ONBOARD_FLAG, "1");
          wifiMode.requestOnboarding(monotonicNow());
        },
        networkConfigured: () => {
          store.delete(ONBOARD_FLAG);
          wifiMode.networkConfigured(monotonicNow());
        },
        networks: () => ap.networks(),
      },
      ota: { partition: new DeviceOtaPartition(), target: { board: boardName, chip: board.mcu }, completed: (v) => log(`firmware ${v} written; it runs after the next restart`) },
      commands,
    });
    const webApp = app;
    try {
      startDeviceWebServer(webApp, webPort, log);
    } catch (e) {
      log(`web: ${String(e)}`);
    }
    wifiMode.start(wifiSettings() !== undefined, store.get(ONBOARD_FLAG) === "1", monotonicNow());
    Timer.repeat(() => {
      wifiMode.tick(monotonicNow());
      webApp.publishStatus();
    }, 5000);
    if (device.pin.button !== undefined) watchButton(device.pin.button, LONG_PRESS_MS, () => webApp.o.onboarding?.request());
    supervisor.start();
    startRadio();
    startWired(config);
    Timer.repeat(() => gateway.publishStatus(statusParts()), STATUS_EVERY_MS);
    log(`gateway ${config.gatewayId} ready: ${config.meters.length} meters, radio ${config.radioMode}, ${problems.length} setting problem(s)`);
  } catch (e) {
    log(`start-up failed: ${String(e)}`);
  }
}
