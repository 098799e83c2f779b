/**
 * Bench part "Radio simulator": frames lost by the gateway at 25/50/100 % channel load (issue 8 target: 0 at
 * 100 %), losses on air counted apart. Runs host-tests/rigs/load.ts for both radios and both radio services,
 * Poisson traffic, with each telegram's decode cost = its measured XS pipeline computrons (xs-stages.ts, same
 * corpus record) × US_PER_COMPUTRON; plus back-to-back traffic at 100 % and the native service at twice the
 * µs/computron figure. Deterministic (seeded); simulated time, not wall clock. Method: docs/performance.md.
 */
import type { CodedFrame } from "../sim/corpus-frames.js";
import { DEFAULT_DECODE_COMPUTRONS, runLoad, US_PER_COMPUTRON, type LoadResult, type Traffic } from "../rigs/load.js";
import type { RadioServiceKind } from "../sim/load-thread.js";
import type { SimChipKind } from "../rigs/sim-radio.js";
import type { RecordCost } from "./xs-stages.js";

export const LOADS = [0.25, 0.5, 1] as const;
export const CHIPS: readonly SimChipKind[] = ["cc1101", "sx1262"];
export const SERVICES: readonly RadioServiceKind[] = ["native", "js"];

export interface ChannelLoadRun {
  durationMs: number;
  usPerComputron: number;
  /** Median decode cost used, computrons (per-telegram figures when the XS run had the telegram). */
  medianComputrons: number;
  poisson: LoadResult[];
  backToBack: LoadResult[];
  /** Native service, Poisson 100 %, at 2 × usPerComputron. */
  slowCpu: LoadResult[];
  /**
   * Every service, Poisson 100 %, with each frame's decode time × `costFactor` (usPerComputron × costFactor): the
   * apartment replay's median cost per frame over the stage bench's (xs-replay.ts: memos that miss, and the
   * gateway's own work per frame).
   */
  scaled: LoadResult[];
  costFactor?: number;
}

/** Decode cost per frame from the XS stage run: the pipeline computrons of the frame's corpus record. */
export function costFromXs(records: readonly RecordCost[] | undefined): (f: CodedFrame) => number {
  const byIndex = new Map<number, number>();
  for (const r of records ?? []) byIndex.set(r.index, r.pipeline);
  return (f) => byIndex.get(f.index) ?? DEFAULT_DECODE_COMPUTRONS;
}

export function channelLoad(records?: readonly RecordCost[], durationMs = 20_000, seed = 1, costFactor?: number): ChannelLoadRun {
  const computrons = costFromXs(records);
  const costs = (records ?? []).map((r) => r.pipeline).sort((a, b) => a - b);
  const medianComputrons = costs.length ? costs[costs.length >> 1] : DEFAULT_DECODE_COMPUTRONS;
  const run = (chip: SimChipKind, service: RadioServiceKind, load: number, traffic: Traffic, usPerComputron = US_PER_COMPUTRON) =>
    runLoad({ chip, service, load, traffic, durationMs, seed, computrons, usPerComputron });
  const poisson: LoadResult[] = [];
  const backToBack: LoadResult[] = [];
  const slowCpu: LoadResult[] = [];
  for (const chip of CHIPS) {
    for (const service of SERVICES) {
      for (const load of LOADS) poisson.push(run(chip, service, load, "poisson"));
      backToBack.push(run(chip, service, 1, "back-to-back"));
    }
    slowCpu.push(run(chip, "native", 1, "poisson", 2 * US_PER_COMPUTRON));
  }
  const scaled: LoadResult[] = [];
  if (costFactor !== undefined) {
    for (const chip of CHIPS) for (const service of SERVICES) scaled.push(run(chip, service, 1, "poisson", costFactor * US_PER_COMPUTRON));
  }
  return { durationMs, usPerComputron: US_PER_COMPUTRON, medianComputrons, poisson, backToBack, slowCpu, scaled, costFactor };
}

export type BenchRow = [measure: string, median: string, p95: string, n: string, target: string, result: string];

const NAMES: Readonly<Record<SimChipKind, string>> = { cc1101: "CC1101", sx1262: "SX1262" };

/** Table rows; `target` is the number of gateway losses allowed at 100 % load (issue 8: 0). */
export function channelLoadRows(run: ChannelLoadRun, target: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const of = (chip: SimChipKind, service: RadioServiceKind) => run.poisson.filter((r) => r.chip === chip && r.service === service);
  const slash = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.map(f).join(" / ");
  for (const chip of CHIPS) {
    for (const service of SERVICES) {
      const rs = of(chip, service);
      const full = rs.find((r) => r.load === 1)!;
      const gated = service === "native";
      rows.push([
        `  ${NAMES[chip]} ${service === "native" ? "native task" : "JS driver"}: lost by gateway at 25/50/100 %`,
        slash(rs, (r) => r.lostByGateway),
        "",
        "",
        gated ? `${target} at 100 %` : "",
        gated ? (full.lostByGateway <= target ? "PASS" : "FAIL") : "info",
      ]);
    }
    const rs = of(chip, "native");
    rows.push([`    sent / lost on air (collisions) / decoded`, rs.map((r) => `${r.sent}/${r.lostOnAir}/${r.decoded}`).join("  "), "", "", "", "info"]);
  }
  for (const r of run.backToBack) {
    rows.push([`  back-to-back 100 %, ${NAMES[r.chip]} ${r.service}: lost by gateway of sent (queue)`, `${r.lostByGateway} of ${r.sent} (${r.queueOverflows})`, "", "", "", "info"]);
  }
  for (const r of run.slowCpu) {
    rows.push([`  ${NAMES[r.chip]} native, ${2 * run.usPerComputron} µs/computron: lost by gateway at 100 %`, String(r.lostByGateway), "", "", "", "info"]);
  }
  for (const chip of CHIPS) {
    const rs = run.scaled.filter((r) => r.chip === chip);
    if (rs.length === 0) continue;
    const lost = SERVICES.map((service) => rs.find((r) => r.service === service)!.lostByGateway).join(" / ");
    rows.push([`  ${NAMES[chip]} native / JS, costs x ${run.costFactor!.toFixed(2)} (apartment replay): lost by gateway at 100 %`, lost, "", "", "", "info"]);
  }
  return rows;
}
