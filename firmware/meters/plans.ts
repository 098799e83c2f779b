/**
 * What the reading engine works out once per driver table instead of once per telegram: output field names
 * (fields.ts), rule-list plans (fields.ts), flag-table plans (status.ts) and the detection index
 * (drivers/index.ts). Driver tables are constant data preloaded into flash on the device, where they can be
 * neither changed nor used as WeakMap keys; so these plans live in an instance created at run time, owned
 * by whoever makes readings (meters/session.ts ReadingSession, the CLI, the bench) and passed to makeReading.
 * Each map is bounded: the tables it is keyed by are the drivers' (about 200 lists), plus whatever a caller
 * brings; when one is full it is emptied and refilled.
 */
import type { FieldRule, FlagTable } from "./types.js";
import type { RulePicks, RulePlan } from "./fields.js";
import { DEVICE_FRAME_MEMO } from "../application/format-cache.js";
import type { RecordShape } from "../application/record-shape.js";
import type { FlagPlan } from "./status.js";
import type { DetectIndex } from "./drivers/index.js";

/** Default bound of each map: every driver table of the registry fits. */
const DEFAULT_PLAN_ENTRIES = 512;

export class ReadingPlans {
  /** Entries each map keeps before it is emptied. */
  readonly maxEntries: number;
  /** Output field names by rule list (field rules or byte fields). */
  readonly names = new Map<readonly { name: string; unit?: string }[], string[]>();
  /** Rule-list plans (fields.ts). */
  readonly rules = new Map<readonly FieldRule[], RulePlan>();
  /** Flag-table plans (status.ts). */
  readonly flags = new Map<FlagTable, FlagPlan>();
  /** Which record each rule takes, by the shape list of a frame format (Telegram.recordShapes), at most `pickEntries`. */
  readonly picks = new Map<readonly RecordShape[], RulePicks>();
  /** The detection index of the driver registry (drivers/index.ts), built on first use. */
  detect: DetectIndex | undefined = undefined;

  /**
   * Bound of the rule picks (one per frame format heard): as many frame formats as the decoder's memo keeps
   * (ReadingSession passes it; default the device's, application/format-cache.ts DEVICE_FRAME_MEMO), since a
   * format the decoder forgot gets a new shape list. An entry keeps its shape list (and so its record shapes)
   * alive: at 128 the real-SDK 50-meter replay held about 16 000 more XS slots than at 32; fewer than the
   * decoder's formats, on the other hand, and the picks are worked out again per frame (a host with 1 024
   * formats and 8 picks paid about 2 000 more XS computrons a frame; docs/performance.md).
   */
  readonly pickEntries: number;

  constructor(maxEntries = DEFAULT_PLAN_ENTRIES, pickEntries = DEVICE_FRAME_MEMO) {
    this.maxEntries = maxEntries > 0 ? Math.floor(maxEntries) : 1;
    this.pickEntries = pickEntries > 0 ? Math.floor(pickEntries) : 1;
  }

  /** Keeps `value` under `key` in `map` (one of this instance's), emptying the map first when it is full. */
  keep<K, V>(map: Map<K, V>, key: K, value: V, max = this.maxEntries): V {
    if (map.size >= max) map.clear();
    map.set(key, value);
    return value;
  }
}
