/**
 * Driver registry and detection. Drivers are tried in this order; the first whose detection
 * entry matches the meter wins, and the generic OMS driver takes everything else.
 */
import type { Telegram } from "../../telegram.js";
import type { Detect, Driver } from "../types.js";
import { enhancedAddress, swappedAddress } from "../address.js";
import type { ReadingPlans } from "../plans.js";
import { deepFreeze } from "../../util/freeze.js";
import { GENERIC } from "./generic.js";
import { KAMSTRUP } from "./kamstrup.js";
import { APATOR } from "./apator.js";
import { QUNDIS } from "./qundis.js";
import { IZAR } from "./izar.js";
import { WATER } from "./water.js";
import { WATER2 } from "./water2.js";
import { SIMPLE } from "./simple.js";
import { ELECTRICITY } from "./electricity.js";
import { SMOKE } from "./smoke.js";
import { HEAT } from "./heat.js";
import { HCA } from "./hca.js";
import { TECHEM } from "./techem.js";
import { LANSEN } from "./lansen.js";
import { ROOM } from "./room.js";
import { WATER3 } from "./water3.js";
import { HEAT2 } from "./heat2.js";
import { SCRAMBLED } from "./scrambled.js";

export { GENERIC };

/**
 * The registry. Frozen deeply here, with every table a driver reaches: on the device the driver data is
 * preloaded into flash, and nothing may change it at run time anywhere (docs/moddable-build.md §2).
 */
export const DRIVERS: readonly Driver[] = deepFreeze([
  ...KAMSTRUP,
  ...APATOR,
  ...QUNDIS,
  ...IZAR,
  ...WATER,
  ...WATER2,
  ...SIMPLE,
  ...ELECTRICITY,
  ...SMOKE,
  ...HEAT,
  ...HCA,
  ...TECHEM,
  ...LANSEN,
  ...ROOM,
  ...WATER3,
  ...HEAT2,
  ...SCRAMBLED,
]);

/** Drivers by name and alias (no prototype: a name such as "constructor" finds nothing). */
const BY_NAME: { readonly [name: string]: Driver | undefined } = deepFreeze(byName([...DRIVERS, GENERIC]));

function byName(list: readonly Driver[]): { [name: string]: Driver } {
  const out: { [name: string]: Driver } = Object.create(null);
  for (const d of list) {
    out[d.name] = d;
    if (d.aliases) for (const a of d.aliases) out[a] = d;
  }
  return out;
}

export function driverByName(name: string): Driver | undefined {
  return BY_NAME[name];
}

/** Every driver name (for "did you mean" hints in settings problems). */
export function driverNames(): string[] {
  return Object.keys(BY_NAME);
}

function oneOf(v: number, want: number | readonly number[] | undefined): boolean {
  if (want === undefined) return true;
  if (typeof want === "number") return v === want;
  return want.indexOf(v) >= 0;
}

interface Candidate {
  manufacturer?: string;
  version: number;
  deviceType: number;
}

/**
 * The addresses a meter may be known by, best first: the TPL long header (else DLL), a swapped
 * Diehl A-field, an enhanced identification (manufacturer from the DLL), the DLL of a converter.
 */
function candidates(t: Telegram): Candidate[] {
  const out: Candidate[] = [];
  if (t.meter) out.push(t.meter);
  const s = swappedAddress(t);
  if (s) out.push(s);
  const e = t.records.length > 0 ? enhancedAddress(t.records) : undefined;
  if (e) out.push({ manufacturer: t.dll?.address.manufacturer, version: e.version, deviceType: e.deviceType });
  if (t.dll && t.dll.address !== t.meter) out.push(t.dll.address);
  return out;
}

/** Rank of the first candidate the entry matches (higher = better), 0 for none. */
function detectMatches(d: Detect, t: Telegram, cands: readonly Candidate[]): number {
  if (d.ciField !== undefined && (t.ciChain.length === 0 || !oneOf(firstTplCi(t), d.ciField))) return 0;
  for (let i = 0; i < cands.length; i++) {
    const a = cands[i];
    if (a.manufacturer === d.manufacturer && oneOf(a.version, d.version) && oneOf(a.deviceType, d.deviceType)) return 8 - i;
  }
  return 0;
}

function firstTplCi(t: Telegram): number {
  return t.tpl ? t.tpl.ci : t.ciChain[t.ciChain.length - 1];
}

/** How specific a detection entry is: a version or CI pins a model more than a device type. */
function specificity(k: Detect): number {
  return (k.version !== undefined ? 4 : 0) + (k.ciField !== undefined ? 2 : 0) + (k.deviceType !== undefined ? 1 : 0);
}

/** One detection entry of a registered driver; `seq` is its place in registration order. */
interface DetectEntry {
  d: Driver;
  k: Detect;
  seq: number;
  spec: number;
}

/** Detection entries by manufacturer code, in registration order. */
export type DetectIndex = Map<string, DetectEntry[]>;

/** The detection index: built once per ReadingPlans (DRIVERS is constant), or now when there is none. */
function detectEntries(plans: ReadingPlans | undefined): DetectIndex {
  if (plans?.detect !== undefined) return plans.detect;
  const map: DetectIndex = new Map();
  let seq = 0;
  for (const d of DRIVERS) {
    for (const k of d.detect) {
      let list = map.get(k.manufacturer);
      if (list === undefined) map.set(k.manufacturer, (list = []));
      list.push({ d, k, seq: seq++, spec: specificity(k) });
    }
  }
  if (plans !== undefined) plans.detect = map;
  return map;
}

/**
 * The driver for a telegram: among the registered drivers whose detection matches, the one with
 * the most specific entry (first registered on a tie); the generic driver when none matches.
 * An entry can only match a candidate with its manufacturer, so only the entries of the candidates'
 * manufacturers are tried (a few instead of every driver's). `plans` keeps the index between telegrams.
 */
export function detectDriver(t: Telegram, plans?: ReadingPlans): Driver {
  let best: Driver = GENERIC;
  let score = -1;
  let bestSeq = -1;
  const cands = candidates(t);
  const entries = detectEntries(plans);
  for (let c = 0; c < cands.length; c++) {
    const m = cands[c].manufacturer;
    if (m === undefined) continue;
    let seen = false;
    for (let j = 0; j < c; j++) if (cands[j].manufacturer === m) seen = true;
    const list = seen ? undefined : entries.get(m);
    if (list === undefined) continue;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      const hit = detectMatches(e.k, t, cands);
      const s = hit * 8 + e.spec;
      if (hit > 0 && (s > score || (s === score && e.seq < bestSeq))) {
        best = e.d;
        score = s;
        bestSeq = e.seq;
      }
    }
  }
  return best;
}
