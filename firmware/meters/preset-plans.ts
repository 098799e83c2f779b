/**
 * The registry drivers' plans, worked out once when this module loads: each rule list's field names and rule
 * table (fields.ts RuleTable), each byte block's field names and each flag table's plan (status.ts FlagPlan).
 * On the device this module is preloaded, so the plans are made by the linker and live in flash beside the
 * driver tables they describe; the gateway's RAM then holds plans only for user drivers, and per rule list used
 * only the conversions its rules met (fields.ts RulePlan). Everything here is frozen (the maps are read-only
 * once preloaded, and so are the rule tables' typed arrays).
 */
import { DRIVERS, GENERIC } from "./drivers/index.js";
import { ruleTable, spellNames, type RuleTable } from "./fields.js";
import { buildFlagPlan, FALLBACK_FLAG_TABLES, type FlagPlan } from "./status.js";
import type { Driver, FieldRule, FlagTable } from "./types.js";
import type { PresetPlans } from "./plans.js";
import { deepFreeze } from "../util/freeze.js";

/** The plans of `drivers` (and of the status parts' fallback flag tables). */
export function presetPlans(drivers: readonly Driver[]): PresetPlans {
  const names = new Map<readonly { name: string; unit?: string }[], readonly string[]>();
  const rules = new Map<readonly FieldRule[], RuleTable>();
  const flags = new Map<FlagTable, FlagPlan>();
  const flagPlan = (t: FlagTable | undefined) => {
    if (t !== undefined && !flags.has(t)) flags.set(t, deepFreeze(buildFlagPlan(t)));
  };
  for (const d of drivers) {
    if (!rules.has(d.fields)) {
      const t = ruleTable(d.fields);
      const frozenNames = Object.freeze([...t.names]);
      names.set(d.fields, frozenNames);
      rules.set(d.fields, Object.freeze({ names: frozenNames, vibIndex: t.vibIndex, bits: t.bits, scale: t.scale }));
    }
    for (const b of d.blocks ?? []) if (!names.has(b.fields)) names.set(b.fields, Object.freeze(spellNames(b.fields)));
    for (const s of d.status ?? []) {
      for (const p of s.parts) {
        flagPlan(p.flags);
        flagPlan(p.tplStatusTable);
      }
    }
  }
  for (const t of FALLBACK_FLAG_TABLES) flagPlan(t);
  return Object.freeze({ names: Object.freeze(names), rules: Object.freeze(rules), flags: Object.freeze(flags) });
}

/** The plans of the registry's drivers (drivers/index.ts DRIVERS and GENERIC). */
export const PRESET_PLANS: PresetPlans = Object.freeze(presetPlans([...DRIVERS, GENERIC]));
