/**
 * Device entry (manifest `creation.main` = "wmbus/main"): settings from the preferences, Wi-Fi with reconnect,
 * SNTP, the radio of the board, the gateway pipeline, the uplinks, a radio watchdog and the status LED.
 * Everything that can be decided without hardware lives in pure modules (gateway/*, uplink/*) tested on the host;
 * this file only wires Moddable objects to them. Start-up errors are traced, because the SDK drops an exception
 * thrown while the main module loads.
 *
 * Seam, clearly marked below (filled when the issue "Radio" lands):
 *   RADIO — firmware/radio/create-radio.ts builds the CC1101/SX1262 driver for the board.
 */
import "./platform/text-globals.js";
import WiFi from "embedded:network/interface/wifi";
import SNTP from "moddable:sntp";
import Timer from "moddable:timer";
import Digital from "embedded:io/digital";
import mcConfig from "moddable:mc/config";
import { ModdableAes } from "./platform/aes-crypt.js";
import { DeviceClock } from "./platform/clock.js";
import { PreferenceStore } from "./platform/storage-preference.js";
import { Gateway } from "./gateway/gateway.js";
import { loadConfig, problemText, type GatewayConfig } from "./gateway/config.js";
import { RadioFrameSource, type FrameSource } from "./gateway/frame-source.js";
import { Supervisor } from "./gateway/supervisor.js";
import type { Radio, RadioFrame } from "./radio/radio.js";
import type { UplinkHub } from "./uplink/uplink.js";
import { createDeviceUplinks } from "./uplink/device-uplinks.js";

/** Wi-Fi `connection` above this value: associated and an IP address assigned (embedded:network/interface/wifi). */
const WIFI_HAS_ADDRESS = 500;
const STATUS_EVERY_MS = 60_000;

function log(message: string): void {
  trace(`wmbus-gateway: ${message}\n`);
}

/**
 * SEAM RADIO: replace the body with `return createRadio(device.peripheral.radio, timers, onFrame)` from
 * "./radio/create-radio.js" once it exists. Until then the gateway runs without a receiver and says so.
 */
function createBoardRadio(onFrame: (frame: RadioFrame) => void): Radio {
  void onFrame;
  const kind = device.peripheral.radio ? device.peripheral.radio.kind : "none";
  throw new Error(`no radio driver yet for "${kind}" (firmware/radio/create-radio.ts)`);
}

/** The uplinks of the settings (MQTT/HTTP with NVS offline buffers); on failure a hub that only counts. */
function createHub(cfg: GatewayConfig): UplinkHub {
  try {
    return createDeviceUplinks(cfg, { onDiagnostic: log });
  } catch (e) {
    log(`uplinks unavailable: ${String(e)}`); // parseConfig already checked the URLs; this is storage trouble
    let dropped = 0;
    return { submit: () => void dropped++, gatewayStatus: () => undefined, stats: () => ({ delivered: 0, buffered: 0, dropped, retries: 0, errors: 1 }), close: () => undefined };
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
    const clock = new DeviceClock();
    const store = new PreferenceStore();
    const { config, problems } = loadConfig(store);
    for (const p of problems) log(`setting ${problemText(p)}`); // texts never contain keys or passwords
    const cipher = new ModdableAes();
    const hub = createHub(config);
    const gateway = new Gateway({ config, configProblems: problems, clock, cipher, hub, device: String(mcConfig.board ?? "esp32") });

    let supervisor: Supervisor | undefined;
    const source: FrameSource & { restart(): void } = new RadioFrameSource((onFrame) => createBoardRadio(onFrame));
    const startRadio = () => {
      try {
        source.start(config.radioMode, (frame) => {
          supervisor?.frame();
          gateway.handleFrame(frame);
        });
      } catch (e) {
        log(`radio: ${String(e)}`);
      }
    };

    const ssid = config.wifi?.ssid ?? mcConfig.ssid;
    const password = config.wifi?.password ?? mcConfig.password;
    let wifi: WiFi | undefined;
    // Monotonic ms for the supervisor: `ticks` is a wrapping 32-bit value, so accumulate wrap-safe deltas.
    let lastTicks = clock.ticks();
    let monotonic = 0;
    supervisor = new Supervisor({
      timers: {
        now: () => {
          monotonic += clock.elapsedSince(lastTicks);
          lastTicks = clock.ticks();
          return monotonic;
        },
        repeat: (cb, ms) => Timer.repeat(() => cb(), ms),
        clear: (h) => Timer.clear(h as ReturnType<typeof Timer.repeat>),
      },
      actions: {
        connectWifi: () => {
          if (!ssid) return;
          if (!wifi) wifi = new WiFi({ onChanged: () => supervisor?.wifiChanged((wifi?.connection ?? 0) > WIFI_HAS_ADDRESS) });
          wifi.connect(password ? { SSID: ssid, password } : { SSID: ssid });
        },
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
    supervisor.start();
    startRadio();
    Timer.repeat(() => gateway.publishStatus({ radio: source.stats(), device: supervisor?.stats() }), STATUS_EVERY_MS);
    log(`gateway ${config.gatewayId} ready: ${config.meters.length} meters, radio ${config.radioMode}, ${problems.length} setting problem(s)`);
  } catch (e) {
    log(`start-up failed: ${String(e)}`);
  }
}
