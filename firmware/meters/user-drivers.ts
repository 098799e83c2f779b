/**
 * The drivers a user added (gateway settings "drivers", the CLI's --drivers file), validated by
 * driver-schema.ts. An instance is made at run time by whoever makes readings (the gateway from its settings,
 * the CLI) and handed to makeReading with the telegram; nothing is kept at module level, so the preloaded
 * registry stays as built and new settings simply bring a new instance.
 *
 * Precedence (docs/readings.md): a configured driver name is looked up among the user drivers first, then in
 * the registry; detection ranks user and registry entries by the same rules, a user entry winning a tie; a
 * user driver that takes a registry driver's name replaces it (the registry driver is no longer detected).
 */
import type { Driver } from "./types.js";
import { buildDetectIndex, type DetectIndex, type ExtraDrivers } from "./drivers/index.js";
import { validateDrivers, type DriverProblem } from "./driver-schema.js";

/** User entries are numbered before the registry's (which start at 0), so they win ties. */
const USER_SEQ = -1000000;

export class UserDrivers implements ExtraDrivers {
  readonly list: readonly Driver[];
  readonly index: DetectIndex;
  readonly #byName = new Map<string, Driver>();

  /** `drivers` must be validated (validateDrivers); see UserDrivers.fromJson. */
  constructor(drivers: readonly Driver[]) {
    this.list = drivers;
    for (const d of drivers) {
      if (!this.#byName.has(d.name)) this.#byName.set(d.name, d);
      if (d.aliases) for (const a of d.aliases) if (!this.#byName.has(a)) this.#byName.set(a, d);
    }
    this.index = buildDetectIndex(drivers, USER_SEQ);
  }

  /** Validates definitions (parsed JSON) and keeps the good ones; the problems name the bad entries. */
  static fromJson(raw: unknown, path = "drivers"): { drivers: UserDrivers; problems: DriverProblem[] } {
    const r = validateDrivers(raw, path);
    return { drivers: new UserDrivers(r.drivers), problems: r.problems };
  }

  /** A user driver by name or alias. */
  byName(name: string): Driver | undefined {
    return this.#byName.get(name);
  }

  /** Names and aliases of the user drivers. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** A registry driver whose name a user driver takes. */
  hidden(d: Driver): boolean {
    return this.#byName.has(d.name);
  }
}
