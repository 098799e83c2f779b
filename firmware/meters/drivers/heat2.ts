/**
 * Heat and electricity meters with standard records (facts from wmbusmeters' driver definitions, see
 * docs/readings.md): Apator ELF, B METERS hydrocal M3, Maddalena microclima, Techem vario 4 (411),
 * EMH eHZ-P, Eltako DSZ15DM, Aventies HCA.
 */
import type { Driver, FieldRule, FlagTable, MfctContext } from "../types.js";
import { monthsBack, series } from "./history.js";
import { stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";

const VOLUMES = deepFreeze(["total_heating", "total_cooling", "c1_volume", "c2_volume"]);

/** microclima: set_date_N = the storage-1 date N−1 months back, for every energy value of storage N present. */
function microclimaSetDates(c: MfctContext): void {
  let set: string | undefined;
  for (const r of c.records) if (r.name === "date_storage_1" && typeof r.value === "string") set = r.value.slice(0, 10);
  if (set === undefined) return;
  for (let n = 1; n <= 31; n++) {
    if (c.out["consumption_at_set_date_" + n + "_kwh"] !== undefined) c.out["set_date_" + n + "_date"] = monthsBack(set, n - 1);
  }
}

/** eltako: the total is the sum of both tariffs. */
function eltakoTotal(c: MfctContext): void {
  const a = c.out.total_tariff_1_kwh, b = c.out.total_tariff_2_kwh;
  if (typeof a === "number" && typeof b === "number") c.out.total_kwh = a + b;
}

const ELTAKO_ERRORS: FlagTable = {
  e: [[0x01, "BUSY"], [0x02, "GENERIC_APP_ERROR"], [0x04, "CURRENT_LOW"], [0x08, "PERMANENT_ERROR"], [0x10, "TEMPORARY_ERROR"]],
  rest: "ERROR_FLAGS_",
};

function eltakoPhases(): FieldRule[] {
  const out: FieldRule[] = [];
  for (let i = 1; i <= 3; i++) {
    out.push(
      { n: "voltage_l" + i + "_n", u: "v", r: "voltage_vife_0" + i },
      { n: "current_l" + i, u: "a", r: "current_vife_0" + i },
      { n: "power_l" + i, u: "kw", r: "power_vife_0" + i },
      { n: "reactive_power_l" + i, u: "kw", r: "power_vife_0" + i + "_subunit_1" },
    );
  }
  return out;
}

const AVENTIES_HCA_ERRORS: FlagTable = {
  e: [[0x01, "MEASUREMENT"], [0x02, "SABOTAGE"], [0x04, "BATTERY"], [0x08, "CS"], [0x10, "HF"], [0x20, "RESET"]],
  rest: "ERROR_FLAGS_",
};

export const HEAT2: readonly Driver[] = Object.freeze([
  {
    name: "elf",
    detect: [{ m: "APA", v: 0x40, t: 0x04 }],
    fields: [
      { n: "operating_time", u: "h", r: "operating_time" },
      { n: "meter_date", r: "date", as: "date" },
      { n: "total_energy_consumption", u: "kwh", r: "energy" },
      { n: "current_power_consumption", u: "kw", r: "power" },
      { n: "total_volume", u: "m3", r: "volume" },
      { n: "total_energy_consumption_at_date", u: "kwh", r: "energy_storage_1" },
      { n: "flow_temperature", u: "c", r: "flow_temperature" },
      { n: "return_temperature", u: "c", r: "return_temperature" },
      { n: "external_temperature", u: "c", r: "external_temperature" },
      { n: "version", r: "model_version", as: "readable" },
      { n: "battery", u: "v", r: "voltage" },
    ],
    status: [{ n: "status", parts: [{ sts: true }, { rec: { n: "", h: "047F" }, flags: { e: [], rest: "ERROR_FLAGS_" } }] }],
  },
  {
    name: "hydrocalm3",
    detect: [{ m: "BMT", v: 0x0b, t: 0x0d }],
    fields: [
      { n: "total_heating", u: "kwh", r: "energy" },
      { n: "device_datetime", r: "date_time", as: "datetime" },
      { n: "total_cooling", u: "kwh", r: "energy", nth: 1 },
      ...VOLUMES.map((n, i): FieldRule => ({ n, u: "m3", r: "volume", nth: i })),
      { n: "supply_temperature", u: "c", r: "flow_temperature" },
      { n: "return_temperature", u: "c", r: "return_temperature" },
    ],
    status: [{ n: "status", parts: [{ sts: true, flags: { e: [[0x80, "SABOTAGE_ENCLOSURE"]] } }] }],
  },
  {
    name: "microclima",
    detect: [{ m: "MAD", v: 0x00, t: 0x04 }],
    fields: [
      { n: "meter_datetime", r: "date_time", as: "datetime" },
      { n: "model_version", r: "model_version", as: "readable" },
      { n: "parameter_set", r: "parameter_set_id", as: "readable" },
      { n: "flow_temperature", u: "c", r: "flow_temperature" },
      { n: "return_temperature", u: "c", r: "return_temperature" },
      { n: "total_energy_consumption", u: "kwh", r: "energy" },
      { n: "total_volume", u: "m3", r: "volume" },
      { n: "volume_flow", u: "m3h", r: "volume_flow" },
      { n: "power", u: "kw", r: "power" },
      { n: "temperature_difference", u: "c", r: "temperature_difference" },
      ...series(31, (i) => "consumption_at_set_date_" + i, "kwh", (i) => "energy_storage_" + i),
    ],
    decode: microclimaSetDates,
  },
  {
    name: "vario411",
    detect: [{ m: "TCH", v: 0x28, t: 0x04 }],
    fields: [{ n: "target", u: "kwh", r: "energy_storage_1" }, { n: "target_date", r: "date_storage_1", as: "date" }],
    status: [],
  },
  {
    name: "ehzp",
    detect: [{ m: "EMH", v: 0x02, t: 0x02 }],
    fields: [
      { n: "on_time", u: "h", r: "on_time" },
      { n: "total_energy_consumption", u: "kwh", r: "energy" },
      { n: "current_power_consumption", u: "kw", r: "power" },
      { n: "total_energy_production", u: "kwh", r: "energy_backward_flow" },
    ],
    status: [{ n: "status", parts: [{ sts: true }] }],
  },
  {
    name: "eltako",
    detect: [{ m: "ELT", v: 0x01, t: 0x02 }],
    fields: [
      { n: "total_tariff_1", u: "kwh", r: "energy_tariff_1" },
      { n: "total_tariff_2", u: "kwh", r: "energy_tariff_2" },
      ...series(10, (i) => "total_reactive_tariff_" + i, "kwh", (i) => "energy_storage_2_tariff_" + i),
      ...eltakoPhases(),
      { n: "ct_numerator", u: "counter", h: "02FF68", as: "int" },
      { n: "active_power_overall", u: "kw", r: "power_vife_00" },
      { n: "reactive_power_overall", u: "kw", r: "power_vife_00_subunit_1" },
      { n: "active_tariff", u: "counter", h: "01FF13", as: "int" },
    ],
    status: [{ n: "status", parts: [{ rec: { n: "", r: "error_flags" }, flags: ELTAKO_ERRORS }], need: true }],
    decode: eltakoTotal,
  },
  {
    name: "aventieshca",
    detect: [{ m: "AAA", v: 0x55, t: 0x08 }],
    fields: [
      { n: "current_consumption", u: "hca", r: "hca" },
      { n: "consumption_at_set_date", u: "hca", r: "hca_storage_1" },
      ...series(16, (i) => "consumption_at_set_date_" + (i + 1), "hca", (i) => "hca_storage_" + (i + 1)),
    ],
    status: [
      stsAndErrors({ errors: AVENTIES_HCA_ERRORS }),
      { n: "error_flags", parts: [{ rec: { n: "", r: "error_flags" }, flags: AVENTIES_HCA_ERRORS }], ok: "", need: true },
    ],
  },
]);
