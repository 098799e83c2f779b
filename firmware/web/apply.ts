/**
 * Applying saved settings to the running gateway without a reboot (used by the device main and `npm start`):
 * meters and keys go to Gateway.reconfigure (next frame uses them), new uplinks replace the old ones in the
 * SwitchHub, a new radio mode restarts the radio, a new Wi-Fi network makes the station join it. Pure.
 */
import type { ConfigProblem, GatewayConfig } from "../gateway/config.js";
import type { Gateway } from "../gateway/gateway.js";
import type { SwitchHub } from "../uplink/switch-hub.js";
import type { UplinkHub } from "../uplink/uplink.js";
import type { ChangedParts } from "./settings-edit.js";

export interface ApplyParts {
  gateway: Gateway;
  hub: SwitchHub;
  /** The uplinks of a config (MQTT/HTTP with their rings), like at start-up. */
  createHub(config: GatewayConfig): UplinkHub;
  restartRadio(config: GatewayConfig): void;
  /** Start the wired M-Bus poller again with the new bus and meters; absent without a wired segment. */
  restartWired?(config: GatewayConfig): void;
  /** Join the new Wi-Fi network (device); absent on the host. */
  joinNetwork?(config: GatewayConfig): void;
  log?(message: string): void;
}

/** Applies `config` (already validated and saved); the notes say what happened, for the page. */
export function applySettings(p: ApplyParts, config: GatewayConfig, changed: ChangedParts, problems: readonly ConfigProblem[]): string[] {
  const notes: string[] = [];
  p.gateway.reconfigure(config, problems);
  if (changed.meters) notes.push(`meters applied (${config.meters.length} configured)`);
  if (changed.uplinks) {
    void p.hub.replace(p.createHub(config), p.log);
    notes.push(config.mqtt || config.http ? "uplinks reconnected with the new settings" : "uplinks off");
  }
  if (changed.radio) {
    p.restartRadio(config);
    notes.push(`radio restarted in mode ${config.radioMode}`);
  }
  if (changed.wired && p.restartWired) {
    p.restartWired(config);
    notes.push("wired M-Bus polling restarted");
  }
  if (changed.wifi && p.joinNetwork) {
    p.joinNetwork(config);
    notes.push(`joining Wi-Fi "${config.wifi?.ssid ?? ""}"`);
  }
  return notes;
}
