/**
 * Settings of the wired M-Bus segment (docs/wired.md): `"wired": {"uart": 2, "baud": 2400}` beside the meters'
 * own `wired` blocks (address and poll interval, parsed in config.ts). The UART's TX/RX pins are the board's
 * (boards/<board>/pins.json `wired`), not settings. Pure validation: every problem names its setting.
 */
import { describe, nearestName, shownName } from "./setting-text.js";

/** The speeds a wired meter is set to in practice (EN 13757-2: 300 and 2400 Bd usual, 9600 for newer meters). */
const WIRED_BAUDS = Object.freeze([300, 2400, 9600] as const);
export type WiredBaud = (typeof WIRED_BAUDS)[number];

export interface WiredBusConfig {
  /** ESP32 UART number (1 or 2; 0 is the console); undefined: the board's (pins.json `wired.port`). */
  uart?: number;
  baud: WiredBaud;
}

const WIRED_BUS_NAMES = Object.freeze(["uart", "baud"] as const);

type Add = (path: string, message: string) => void;

/** The bus settings, or undefined when absent; a bad value is a problem and its default is used. */
export function parseWiredBus(raw: unknown, add: Add): WiredBusConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    add("wired", `expected an object like {"uart": 2, "baud": 2400}, got ${describe(raw)}`);
    return undefined;
  }
  const o = raw as { [k: string]: unknown };
  for (const k of Object.keys(o)) {
    if ((WIRED_BUS_NAMES as readonly string[]).includes(k)) continue;
    const near = nearestName(k, WIRED_BUS_NAMES);
    add("wired." + shownName(k), "unknown setting, ignored" + (near ? `; did you mean "${near}"?` : ` (known here: ${WIRED_BUS_NAMES.join(", ")})`));
  }
  const bus: WiredBusConfig = { baud: 2400 };
  if (o.baud !== undefined) {
    if ((WIRED_BAUDS as readonly unknown[]).includes(o.baud)) bus.baud = o.baud as WiredBaud;
    else add("wired.baud", `expected one of ${WIRED_BAUDS.join(", ")} baud, got ${typeof o.baud === "number" ? String(o.baud) : describe(o.baud)}; using 2400`);
  }
  if (o.uart !== undefined) {
    if (o.uart === 1 || o.uart === 2) bus.uart = o.uart;
    else add("wired.uart", `expected UART 1 or 2 (UART 0 is the console), got ${typeof o.uart === "number" ? String(o.uart) : describe(o.uart)}; using the board's`);
  }
  return bus;
}

/**
 * Two wired meters with the same primary or secondary address cannot both be polled: the later one is named and
 * returned (the caller leaves it unpolled).
 */
export function wiredAddressProblems(meters: readonly { at: number; id: string; wired?: { primary?: number; secondary?: string } }[], add: Add): Set<string> {
  const seen = new Map<string, string>();
  const dropped = new Set<string>();
  for (const m of meters) {
    if (!m.wired) continue;
    const a = m.wired.primary !== undefined ? `primary ${m.wired.primary}` : `secondary ${m.wired.secondary}`;
    const first = seen.get(a);
    if (first === undefined) seen.set(a, m.id);
    else {
      add(`meters[${m.at}].wired`, `${a} is already meter ${first}'s; one address per meter, this meter is not polled`);
      dropped.add(m.id);
    }
  }
  return dropped;
}
