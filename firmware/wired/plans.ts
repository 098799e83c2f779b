/** The poll plans of the configured wired meters (gateway config `meters[].wired`, docs/wired.md). */
import type { GatewayConfig } from "../gateway/config.js";
import { parseSecondary } from "./frames.js";
import type { WiredMeterPlan } from "./poller.js";

export function wiredPlans(config: GatewayConfig): WiredMeterPlan[] {
  const out: WiredMeterPlan[] = [];
  for (const m of config.meters) {
    const w = m.wired;
    if (!w) continue;
    out.push({
      meterId: m.id,
      primary: w.primary,
      secondary: w.secondary !== undefined ? parseSecondary(w.secondary) : undefined,
      intervalMs: w.intervalS * 1000,
    });
  }
  return out;
}
