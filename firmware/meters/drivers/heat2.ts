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
  entries: [[0x01, "BUSY"], [0x02, "GENERIC_APP_ERROR"], [0x04, "CURRENT_LOW"], [0x08, "PERMANENT_ERROR"], [0x10, "TEMPORARY_ERROR"]],
  unknownPrefix: "ERROR_FLAGS_",
};

function eltakoPhases(): FieldRule[] {
  const out: FieldRule[] = [];
  for (let i = 1; i <= 3; i++) {
    out.push(
      { name: "voltage_l" + i + "_n", unit: "v", record: "voltage_vife_0" + i },
      { name: "current_l" + i, unit: "a", record: "current_vife_0" + i },
      { name: "power_l" + i, unit: "kw", record: "power_vife_0" + i },
      { name: "reactive_power_l" + i, unit: "kw", record: "power_vife_0" + i + "_subunit_1" },
    );
  }
  return out;
}

const AVENTIES_HCA_ERRORS: FlagTable = {
  entries: [[0x01, "MEASUREMENT"], [0x02, "SABOTAGE"], [0x04, "BATTERY"], [0x08, "CS"], [0x10, "HF"], [0x20, "RESET"]],
  unknownPrefix: "ERROR_FLAGS_",
};

export const HEAT2: readonly Driver[] = Object.freeze([
  {
    name: "elf",
    detect: [{ manufacturer: "APA", version: 0x40, deviceType: 0x04 }],
    fields: [
      { name: "operating_time", unit: "h", record: "operating_time" },
      { name: "meter_date", record: "date", valueType: "date" },
      { name: "total_energy_consumption", unit: "kwh", record: "energy" },
      { name: "current_power_consumption", unit: "kw", record: "power" },
      { name: "total_volume", unit: "m3", record: "volume" },
      { name: "total_energy_consumption_at_date", unit: "kwh", record: "energy_storage_1" },
      { name: "flow_temperature", unit: "c", record: "flow_temperature" },
      { name: "return_temperature", unit: "c", record: "return_temperature" },
      { name: "external_temperature", unit: "c", record: "external_temperature" },
      { name: "version", record: "model_version", valueType: "readable" },
      { name: "battery", unit: "v", record: "voltage" },
    ],
    status: [{ name: "status", parts: [{ tplStatus: true }, { fromRecord: { name: "", header: "047F" }, flags: { entries: [], unknownPrefix: "ERROR_FLAGS_" } }] }],
  },
  {
    name: "hydrocalm3",
    detect: [{ manufacturer: "BMT", version: 0x0b, deviceType: 0x0d }],
    fields: [
      { name: "total_heating", unit: "kwh", record: "energy" },
      { name: "device_datetime", record: "date_time", valueType: "datetime" },
      { name: "total_cooling", unit: "kwh", record: "energy", occurrence: 1 },
      ...VOLUMES.map((n, i): FieldRule => ({ name: n, unit: "m3", record: "volume", occurrence: i })),
      { name: "supply_temperature", unit: "c", record: "flow_temperature" },
      { name: "return_temperature", unit: "c", record: "return_temperature" },
    ],
    status: [{ name: "status", parts: [{ tplStatus: true, flags: { entries: [[0x80, "SABOTAGE_ENCLOSURE"]] } }] }],
  },
  {
    name: "microclima",
    detect: [{ manufacturer: "MAD", version: 0x00, deviceType: 0x04 }],
    fields: [
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
      { name: "model_version", record: "model_version", valueType: "readable" },
      { name: "parameter_set", record: "parameter_set_id", valueType: "readable" },
      { name: "flow_temperature", unit: "c", record: "flow_temperature" },
      { name: "return_temperature", unit: "c", record: "return_temperature" },
      { name: "total_energy_consumption", unit: "kwh", record: "energy" },
      { name: "total_volume", unit: "m3", record: "volume" },
      { name: "volume_flow", unit: "m3h", record: "volume_flow" },
      { name: "power", unit: "kw", record: "power" },
      { name: "temperature_difference", unit: "c", record: "temperature_difference" },
      ...series(31, (i) => "consumption_at_set_date_" + i, "kwh", (i) => "energy_storage_" + i),
    ],
    decode: microclimaSetDates,
  },
  {
    name: "vario411",
    detect: [{ manufacturer: "TCH", version: 0x28, deviceType: 0x04 }],
    fields: [{ name: "target", unit: "kwh", record: "energy_storage_1" }, { name: "target_date", record: "date_storage_1", valueType: "date" }],
    status: [],
  },
  {
    name: "ehzp",
    detect: [{ manufacturer: "EMH", version: 0x02, deviceType: 0x02 }],
    fields: [
      { name: "on_time", unit: "h", record: "on_time" },
      { name: "total_energy_consumption", unit: "kwh", record: "energy" },
      { name: "current_power_consumption", unit: "kw", record: "power" },
      { name: "total_energy_production", unit: "kwh", record: "energy_backward_flow" },
    ],
    status: [{ name: "status", parts: [{ tplStatus: true }] }],
  },
  {
    name: "eltako",
    detect: [{ manufacturer: "ELT", version: 0x01, deviceType: 0x02 }],
    fields: [
      { name: "total_tariff_1", unit: "kwh", record: "energy_tariff_1" },
      { name: "total_tariff_2", unit: "kwh", record: "energy_tariff_2" },
      ...series(10, (i) => "total_reactive_tariff_" + i, "kwh", (i) => "energy_storage_2_tariff_" + i),
      ...eltakoPhases(),
      { name: "ct_numerator", unit: "counter", header: "02FF68", valueType: "int" },
      { name: "active_power_overall", unit: "kw", record: "power_vife_00" },
      { name: "reactive_power_overall", unit: "kw", record: "power_vife_00_subunit_1" },
      { name: "active_tariff", unit: "counter", header: "01FF13", valueType: "int" },
    ],
    status: [{ name: "status", parts: [{ fromRecord: { name: "", record: "error_flags" }, flags: ELTAKO_ERRORS }], onlyWhenPresent: true }],
    decode: eltakoTotal,
  },
  {
    name: "aventieshca",
    detect: [{ manufacturer: "AAA", version: 0x55, deviceType: 0x08 }],
    fields: [
      { name: "current_consumption", unit: "hca", record: "hca" },
      { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_1" },
      ...series(16, (i) => "consumption_at_set_date_" + (i + 1), "hca", (i) => "hca_storage_" + (i + 1)),
    ],
    status: [
      stsAndErrors({ errors: AVENTIES_HCA_ERRORS }),
      { name: "error_flags", parts: [{ fromRecord: { name: "", record: "error_flags" }, flags: AVENTIES_HCA_ERRORS }], okText: "", onlyWhenPresent: true },
    ],
  },
]);
