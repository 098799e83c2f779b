/**
 * `wmbus driver import file.xmq`: a wmbusmeters driver file (XMQ, see xmq.ts) → our driver definition JSON
 * (docs/driver.schema.json), validated by the firmware's validator before it is printed. The element names
 * and their meaning are facts of wmbusmeters' driver format, restated in docs/readings.md ("Importing
 * wmbusmeters drivers") together with what is not converted.
 *
 * A field's `match` becomes our record selection: the quantity named by `vif_range`, the labels of
 * `add_combinable`, then storage / tariff / subunit and the measurement type, spelled as the decoder names
 * records ("volume_at_base_conditions_storage_3", "flow_temperature_max"); `difvifkey` becomes an exact
 * header. Ranges ("storage_nr = 1,12") expand the {storage_counter}/{tariff_counter}/{subunit_counter}
 * placeholders of the field name into one field each. A Text field with a lookup becomes a status field.
 * What cannot be converted faithfully is an error naming the file, line and column, never a guess.
 */
import { WmbusError } from "../firmware/errors.js";
import { validateDriver } from "../firmware/meters/driver-schema.js";
import { isElement, parseXmq, type XmqElement, type XmqNode } from "./xmq.js";

type Json = { [k: string]: unknown };

/** wmbusmeters VIF range → the decoder's record quantity (application/vif-tables.ts and friends). */
const VIF_RANGES: { readonly [k: string]: string } = Object.freeze({
  Volume: "volume", AnyVolumeVIF: "volume", VolumeFlow: "volume_flow", FlowTemperature: "flow_temperature",
  ReturnTemperature: "return_temperature", TemperatureDifference: "temperature_difference",
  ExternalTemperature: "external_temperature", Pressure: "pressure", Date: "date", DateTime: "date_time",
  EnergyWh: "energy", EnergyMJ: "energy", AnyEnergyVIF: "energy", PowerW: "power", PowerJh: "power", AnyPowerVIF: "power",
  OnTime: "on_time", OperatingTime: "operating_time", ActualityDuration: "actuality_duration",
  AveragingDuration: "averaging_duration", HeatCostAllocation: "hca", FabricationNo: "fabrication_number",
  EnhancedIdentification: "enhanced_identification", ErrorFlags: "error_flags", RemainingBattery: "remaining_battery_life",
  Voltage: "voltage", Amperage: "current", Customer: "customer", CustomerLocation: "customer_location",
  ModelVersion: "model_version", FirmwareVersion: "firmware_version", SoftwareVersion: "software_version",
  HardwareVersion: "hardware_version", ParameterSet: "parameter_set_id", RelativeHumidity: "relative_humidity",
  Mass: "mass", MassFlow: "mass_flow", Frequency: "frequency", Dimensionless: "dimensionless",
  AccessNumber: "access_number", DigitalInput: "digital_input", DigitalOutput: "digital_output",
  Manufacturer: "manufacturer", Location: "customer_location", Medium: "device_type", EnergyMWh: "energy", EnergyGJ: "energy",
  DurationSinceReadout: "duration_since_last_readout", DurationOfTariff: "tariff_duration", ResetCounter: "reset_counter",
  CumulationCounter: "cumulation_counter", SpecialSupplierInformation: "special_supplier_information",
});

/** wmbusmeters combinable VIFE names → the decoder's record-name labels (application/vife-combinable.ts). */
const COMBINABLES: { readonly [k: string]: string } = Object.freeze({
  ValueAtBaseCondC: "at_base_conditions", ForwardFlow: "forward_flow", BackwardFlow: "backward_flow",
  Uncorrected: "uncorrected", Average: "average", PerMonth: "per_month", PerHour: "per_hour", PerDay: "per_day",
  PerYear: "per_year", StartDateOf: "start_date", LowerLimit: "lower_limit", UncorrectedMeterUnit: "uncorrected",
  FutureValue: "future_value",
});

/** Measurement type → record-name suffixes. */
const MEASUREMENT: { readonly [k: string]: readonly string[] } = Object.freeze({
  Instantaneous: [""], Maximum: ["_max"], Minimum: ["_min"], AtError: ["_error"], Any: ["", "_max", "_min", "_error"],
});

/** A quantity's default unit suffix in wmbusmeters' JSON (Text and PointInTime have none). */
const QUANTITY_UNITS: { readonly [k: string]: string } = Object.freeze({
  Volume: "m3", Flow: "m3h", Temperature: "c", Energy: "kwh", Power: "kw", Time: "h", HCA: "hca", Pressure: "bar",
  Voltage: "v", Amperage: "a", Frequency: "hz", RelativeHumidity: "rh", Dimensionless: "counter", Mass: "kg",
  Reactive_Energy: "kvarh", Apparent_Energy: "kvah", Reactive_Power: "kvar", Apparent_Power: "kva", Text: "", PointInTime: "",
});

/**
 * wmbusmeters library fields (`library { use = … }`), as our rules: the fields its meter code adds by name, each a
 * VIF range with a measurement type, storage number or combinable VIFE (facts of its source, restated in
 * docs/readings.md "Importing wmbusmeters drivers"). Its text fields print as wmbusmeters' string extractor prints
 * them: `readable` (text when the bytes are printable, else reversed hex), date-times with their seconds when the
 * record has them. `status-tpl-only` is the status field of the TPL status byte alone (see `driver`).
 */
const LIBRARY: { readonly [k: string]: Json } = Object.freeze({
  actuality_duration_s: { name: "actuality_duration", unit: "s", record: "actuality_duration" },
  actuality_duration_h: { name: "actuality_duration", unit: "h", record: "actuality_duration" },
  battery_v: { name: "battery", unit: "v", record: "voltage" },
  fabrication_no: { name: "fabrication_no", record: "fabrication_number", valueType: "readable" },
  enhanced_id: { name: "enhanced_id", record: "enhanced_identification", valueType: "readable" },
  software_version: { name: "software_version", record: "software_version", valueType: "readable" },
  manufacturer: { name: "manufacturer", record: "manufacturer", valueType: "readable" },
  model_version: { name: "model_version", record: "model_version", valueType: "readable" },
  firmware_version: { name: "firmware_version", record: "firmware_version", valueType: "readable" },
  parameter_set: { name: "parameter_set", record: "parameter_set_id", valueType: "readable" },
  customer: { name: "customer", record: "customer", valueType: "readable" },
  location: { name: "location", record: "customer_location", valueType: "readable" },
  operating_time_h: { name: "operating_time", unit: "h", record: "operating_time" },
  on_time_h: { name: "on_time", unit: "h", record: "on_time" },
  on_time_at_error_h: { name: "on_time_at_error", unit: "h", record: "on_time_error" },
  meter_date: { name: "meter_date", record: "date", valueType: "date" },
  meter_date_at_error: { name: "meter_date_at_error", record: "date_error", valueType: "date" },
  meter_datetime: { name: "meter_datetime", record: "date_time", valueType: "datetime_s" },
  meter_datetime_at_error: { name: "meter_datetime_at_error", record: "date_time_error", valueType: "datetime_s" },
  total_m3: { name: "total", unit: "m3", record: "volume" },
  target_m3: { name: "target", unit: "m3", record: "volume_storage_1" },
  total_kwh: { name: "total", unit: "kwh", record: "energy" },
  target_kwh: { name: "target", unit: "kwh", record: "energy_storage_1" },
  target_date: { name: "target_date", record: "date_storage_1", valueType: "date" },
  total_forward_m3: { name: "total_forward", unit: "m3", record: "volume_forward_flow" },
  total_backward_m3: { name: "total_backward", unit: "m3", record: "volume_backward_flow" },
  flow_temperature_c: { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  external_temperature_c: { name: "external_temperature", unit: "c", record: "external_temperature" },
  return_temperature_c: { name: "return_temperature", unit: "c", record: "return_temperature" },
  flow_return_temperature_difference_c: { name: "flow_return_temperature_difference", unit: "c", record: "temperature_difference" },
  volume_flow_m3h: { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  access_counter: { name: "access", unit: "counter", record: "access_number", valueType: "int" },
  consumption_hca: { name: "consumption", unit: "hca", record: "hca" },
  target_hca: { name: "target", unit: "hca", record: "hca_storage_1" },
  total_energy_consumption_kwh: { name: "total_energy_consumption", unit: "kwh", record: "energy" },
});

/** A field-name placeholder: {storage_counter}, or the counter with a constant added or taken away ({storage_counter-1counter}). */
const PLACEHOLDER = /\{(storage|tariff|subunit)_counter(?:\s*([+-])\s*([0-9]{1,4})\s*counter)?\}/g;

/** Elements that carry no reading semantics (documentation, tests, wmbusmeters-only settings). */
const IGNORED = new Set(["meter_type", "default_fields", "info", "tests", "compact_frame_formats", "manufacturer_specific", "processContent", "manufacturer", "model", "link_mode"]);

class Importer {
  readonly warnings: string[] = [];
  constructor(readonly file: string, readonly partial = false) {}

  fail(at: { line: number; column: number }, msg: string): never {
    throw new WmbusError("bad_argument", `${this.file}:${at.line}:${at.column}: ${msg}`);
  }

  warn(at: { line: number; column: number }, msg: string): void {
    this.warnings.push(`${this.file}:${at.line}:${at.column}: ${msg}`);
  }

  elements(e: XmqElement): XmqElement[] {
    const out: XmqElement[] = [];
    for (const c of e.children) {
      if (isElement(c)) out.push(c);
      else this.fail(c, `unexpected text inside ${e.name}`);
    }
    return out;
  }

  value(e: XmqElement): string {
    if (e.value === undefined) this.fail(e, `${e.name} needs a value (${e.name} = …)`);
    return e.value;
  }

  int(e: XmqElement, min: number, max: number, hex = false): number {
    const v = this.value(e);
    const n = hex ? (/^[0-9A-Fa-f]{1,2}$/.test(v) ? parseInt(v, 16) : NaN) : /^0x[0-9A-Fa-f]+$/i.test(v) ? parseInt(v, 16) : /^[0-9]+$/.test(v) ? parseInt(v, 10) : NaN;
    if (!(n >= min && n <= max)) this.fail(e, `${e.name}: expected ${hex ? "two hex digits" : "a number"} ${min}..${max}, got ${JSON.stringify(v)}`);
    return n;
  }

  /** "n" or "a,b" (a range a..b) → [a, b]. */
  range(e: XmqElement, max: number): [number, number] {
    const v = this.value(e);
    const m = /^([0-9]+)(?:,([0-9]+))?$/.exec(v);
    if (!m) this.fail(e, `${e.name}: expected a number or a range "from,to", got ${JSON.stringify(v)}`);
    const a = parseInt(m[1], 10), b = m[2] === undefined ? a : parseInt(m[2], 10);
    if (a > b || b > max) this.fail(e, `${e.name}: range ${a}..${b} is not within 0..${max}`);
    if (b - a > 64) this.fail(e, `${e.name}: range ${a}..${b} is too wide (at most 65 values)`);
    return [a, b];
  }

  driver(root: XmqElement): Json {
    const d: Json = { name: "", detect: [] as Json[], fields: [] as Json[] };
    const fields = d.fields as Json[];
    const status: Json[] = [];
    let hasName = false;
    let tplPart: Json | undefined;
    let leftOut: XmqElement | undefined;
    for (const e of this.elements(root)) {
      switch (e.name) {
        case "name":
          d.name = this.value(e);
          hasName = true;
          break;
        case "aliases":
          d.aliases = this.value(e).split(",").filter((s) => s !== "");
          break;
        case "detect":
          for (const m of this.elements(e)) {
            if (m.name !== "mvt") this.fail(m, `unknown detection element ${m.name} (expected mvt = MFR,VV,TT)`);
            const parts = this.value(m).split(",");
            if (parts.length !== 3 || !/^[A-Za-z]{3}$/.test(parts[0])) this.fail(m, `mvt: expected MFR,VV,TT (manufacturer, version and type in hex), got ${JSON.stringify(m.value)}`);
            const hex = (s: string) => (/^[0-9A-Fa-f]{1,2}$/.test(s) ? parseInt(s, 16) : this.fail(m, `mvt: ${JSON.stringify(s)} is not a hex byte`));
            (d.detect as Json[]).push({ manufacturer: parts[0].toUpperCase(), version: hex(parts[1]), deviceType: hex(parts[2]) });
          }
          break;
        case "library":
          for (const u of this.elements(e)) {
            if (u.name !== "use") this.fail(u, `unknown library element ${u.name} (expected use = …)`);
            for (const use of this.value(u).split(",")) {
              const n = use.split("|")[0]; // "name|help text": the help is for wmbusmeters' listing only
              if (n === "status-tpl-only") {
                // the status field of the TPL status byte, made here so that later lookups can inject into it
                if (!status.some((x) => x.name === "status")) status.push({ name: "status", parts: [{ tplStatus: true }] });
                continue;
              }
              const f = Object.prototype.hasOwnProperty.call(LIBRARY, n) ? LIBRARY[n] : undefined;
              if (f === undefined) this.fail(u, `library field ${JSON.stringify(n)} is not known to the importer (known: ${Object.keys(LIBRARY).join(", ")}, status-tpl-only)`);
              fields.push({ ...f });
            }
          }
          break;
        case "fields":
          for (const f of this.elements(e)) {
            if (f.name !== "field") this.fail(f, `unknown element ${f.name} in fields (expected field)`);
            const kept = fields.length, statusKept = status.length;
            try {
              this.field(f, fields, status);
            } catch (err) {
              if (!this.partial || !(err instanceof WmbusError)) throw err;
              // --partial: a field that does not convert is left out and named; what it added so far is taken back
              fields.length = kept;
              status.length = statusKept;
              this.warnings.push(err.message + " (field left out)");
              leftOut ??= f;
            }
          }
          break;
        case "mfct_tpl_status_bits":
          tplPart = this.tplStatusPart(e);
          break;
        case "compact_frame_formats":
          this.warn(e, "compact_frame_formats ignored: the decoder learns compact formats from the meter's full frames");
          break;
        default:
          if (!IGNORED.has(e.name)) this.fail(e, `unknown driver element ${e.name}`);
      }
    }
    if (!hasName) this.fail(root, "the driver has no name");
    // Diehl / Hydrometer radios that send the A-field as version, type, ID: wmbusmeters reads their address in its
    // telegram parser, not in the driver file; here the driver asks for it (meters/address.ts, DME and HYD only)
    if ((d.detect as Json[]).some((k) => k.manufacturer === "DME" || k.manufacturer === "HYD")) d.swappedAddress = true;
    if (leftOut !== undefined) {
      // A status field that reads more than the TPL status byte may take its flags from a field that was left out
      // (or from a manufacturer layout that was): it would then print "OK" where the meter reports a fault. Such
      // status fields go too; the TPL status byte alone stays.
      for (let i = status.length - 1; i >= 0; i--) {
        if ((status[i].parts as Json[]).every((p) => p.tplStatus === true)) continue;
        this.warn(leftOut, `status field ${String(status[i].name)} left out: fields of this driver are left out, and its flags may come from them`);
        status.splice(i, 1);
      }
    }
    // the manufacturer's names for the TPL status byte, wherever a status field reads that byte
    if (tplPart !== undefined) for (const f of status) f.parts = (f.parts as Json[]).map((p) => (p.tplStatus === true && p.flags === undefined ? { ...tplPart } : p));
    // wmbusmeters prints status only for fields that say so; without one the reading has no status field
    d.status = status;
    return d;
  }

  field(f: XmqElement, fields: Json[], status: Json[]): void {
    let name: string | undefined, quantity: string | undefined, displayUnit: string | undefined;
    let match: XmqElement | undefined, lookup: XmqElement | undefined;
    const attributes: string[] = [];
    let valueType: string | undefined;
    for (const e of this.elements(f)) {
      switch (e.name) {
        case "name": name = this.value(e); break;
        case "quantity": quantity = this.value(e); break;
        case "display_unit": displayUnit = this.value(e); break;
        case "match": match = e; break;
        case "lookup": lookup = e; break;
        case "attributes": attributes.push(...this.value(e).split(",")); break;
        case "info": break;
        case "vif_scaling": {
          const v = this.value(e);
          if (v === "None") valueType = "int";
          else if (v !== "Auto") this.fail(e, `vif_scaling ${JSON.stringify(v)} is not supported (Auto, None)`);
          break;
        }
        case "dif_signedness": break; // our decoder reads signedness from the record itself
        default: this.fail(e, `unknown field element ${e.name}`);
      }
    }
    if (name === undefined) this.fail(f, "field without a name");
    if (quantity === undefined) this.fail(f, `field ${name}: no quantity`);
    if (!Object.prototype.hasOwnProperty.call(QUANTITY_UNITS, quantity)) this.fail(f, `field ${name}: quantity ${JSON.stringify(quantity)} is not supported (known: ${Object.keys(QUANTITY_UNITS).join(", ")})`);
    if (match === undefined) this.fail(f, `field ${name}: no match (fields computed by formulas are not supported)`);
    if (attributes.includes("HIDE") && !attributes.includes("INJECT_INTO_STATUS")) return;
    let unit = QUANTITY_UNITS[quantity];
    // wmbusmeters' unit names for a point in time, and its default one (DateTimeLT)
    if (displayUnit === "DateLT") displayUnit = "date";
    else if (displayUnit === "DateTimeLT" || (displayUnit === undefined && quantity === "PointInTime")) displayUnit = "datetime";
    if (displayUnit !== undefined) {
      // a point in time prints as name_date / name_datetime, its text as the display unit says
      if (displayUnit === "date" || displayUnit === "datetime") valueType = displayUnit;
      if (/^[a-z][a-z0-9]{0,7}$/.test(displayUnit)) unit = displayUnit;
      else this.fail(f, `field ${name}: display_unit ${JSON.stringify(displayUnit)} is not a unit suffix`);
    }
    if (quantity === "PointInTime" && valueType === undefined) this.fail(f, `field ${name}: a PointInTime field prints as date or datetime (DateLT, DateTimeLT), not ${JSON.stringify(displayUnit)}`);
    if (quantity === "Text" && lookup === undefined && valueType === undefined) {
      // wmbusmeters' string extractor prints a date or date-time record as one, other data as readable text
      const range = match.children.find((c) => isElement(c) && c.name === "vif_range") as XmqElement | undefined;
      valueType = range?.value === "Date" ? "date_raw" : range?.value === "DateTime" ? "datetime_s" : "readable";
    }
    for (const { suffix, selector } of this.selectors(match, name)) {
      const fieldName = suffix.name;
      if (lookup !== undefined) {
        if (quantity !== "Text") this.fail(lookup, `field ${name}: a lookup on a ${quantity} field is not supported`);
        const s = this.statusField(lookup, fieldName, selector, attributes, status);
        if (s) status.push(s);
        continue;
      }
      const rule: Json = { name: fieldName };
      if (unit !== "") rule.unit = unit;
      Object.assign(rule, selector);
      // no VIF scaling on a 32-bit real (DIF data field 5): the number itself, not its bits read as an integer
      const real = typeof selector.header === "string" && (parseInt(selector.header.slice(0, 2), 16) & 0x0f) === 5;
      if (valueType !== undefined && !(valueType === "int" && real)) rule.valueType = valueType;
      fields.push(rule);
    }
  }

  /** The record selections of a match, one per expanded field name. */
  selectors(m: XmqElement, name: string): { suffix: { name: string }; selector: Json }[] {
    let quantity: string | undefined, header: string | undefined;
    let suffixes: readonly string[] = [""];
    const labels: string[] = [];
    const ranges: { [k: string]: [number, number] } = { storage: [0, 0], tariff: [0, 0], subunit: [0, 0] };
    let occurrence = 0;
    for (const e of this.elements(m)) {
      switch (e.name) {
        case "difvifkey": {
          const v = this.value(e);
          if (!/^(?:[0-9A-Fa-f]{2}){2,22}$/.test(v)) this.fail(e, `difvifkey: expected hex bytes (DIF … VIF …), got ${JSON.stringify(v)}`);
          header = v.toUpperCase();
          break;
        }
        case "measurement_type": {
          const v = this.value(e);
          if (!Object.prototype.hasOwnProperty.call(MEASUREMENT, v)) this.fail(e, `measurement_type ${JSON.stringify(v)} is not known (${Object.keys(MEASUREMENT).join(", ")})`);
          suffixes = MEASUREMENT[v];
          break;
        }
        case "vif_range": {
          const v = this.value(e);
          if (!Object.prototype.hasOwnProperty.call(VIF_RANGES, v)) this.fail(e, `vif_range ${JSON.stringify(v)} is not known to the importer`);
          quantity = VIF_RANGES[v];
          break;
        }
        case "add_combinable": {
          for (const c of this.value(e).split(",")) {
            if (!Object.prototype.hasOwnProperty.call(COMBINABLES, c)) this.fail(e, `add_combinable ${JSON.stringify(c)} is not known to the importer`);
            labels.push(COMBINABLES[c]);
          }
          break;
        }
        case "storage_nr": ranges.storage = this.range(e, 0xffffffff); break;
        case "tariff_nr": ranges.tariff = this.range(e, 0xfffff); break;
        case "subunit_nr": ranges.subunit = this.range(e, 0x3ff); break;
        case "index_nr": occurrence = this.int(e, 1, 256) - 1; break;
        case "vif_scaling":
          // inside a match wmbusmeters' files say only the default (Auto); None belongs to the field
          if (this.value(e) !== "Auto") this.fail(e, `vif_scaling ${JSON.stringify(e.value)} inside match is not supported (Auto; None goes in the field)`);
          break;
        default: this.fail(e, `unknown match element ${e.name}`);
      }
    }
    if (header !== undefined) {
      if (quantity !== undefined || labels.length > 0) this.fail(m, "difvifkey together with vif_range / add_combinable is not supported");
      const sel: Json = { header };
      if (occurrence > 0) sel.occurrence = occurrence;
      return [{ suffix: { name }, selector: sel }];
    }
    if (quantity === undefined) this.fail(m, "match needs vif_range or difvifkey");
    // one field per value of a range whose counter the name uses; other ranges are "any of"
    const out: { suffix: { name: string }; selector: Json }[] = [];
    const counters = (["storage", "tariff", "subunit"] as const).filter((k) => name.includes(`{${k}_counter`));
    const expand = (k: "storage" | "tariff" | "subunit"): number[] => {
      const [a, b] = ranges[k];
      const list: number[] = [];
      for (let i = a; i <= b; i++) list.push(i);
      return list;
    };
    const combos: { storage: number[]; tariff: number[]; subunit: number[] }[] = [{ storage: expand("storage"), tariff: expand("tariff"), subunit: expand("subunit") }];
    for (const k of counters) {
      const next: typeof combos = [];
      for (const c of combos) for (const v of c[k]) next.push({ ...c, [k]: [v] });
      combos.splice(0, combos.length, ...next);
    }
    if (combos.length > 64) this.fail(m, `the ranges give ${combos.length} fields (at most 64)`);
    for (const c of combos) {
      const fieldName = name.replace(PLACEHOLDER, (_all, k: "storage" | "tariff" | "subunit", sign?: string, n?: string) =>
        String(c[k][0] + (sign === undefined ? 0 : sign === "+" ? Number(n) : -Number(n))));
      if (/[{}]/.test(fieldName)) this.fail(m, `field name ${JSON.stringify(name)}: only {storage_counter}, {tariff_counter}, {subunit_counter} are supported, each alone or with a constant added or taken away ({storage_counter-1counter})`);
      // a record matches only with every combinable the match adds, as wmbusmeters requires them (and a record
      // with a combinable the match does not add matches no field without it: its name has the label)
      const names: string[] = [];
      for (const s of c.storage) for (const t of c.tariff) for (const u of c.subunit) for (const suffix of suffixes) {
        let r = quantity;
        for (const l of labels) r += "_" + l;
        if (s > 0) r += "_storage_" + s;
        if (t > 0) r += "_tariff_" + t;
        if (u > 0) r += "_subunit_" + u;
        names.push(r + suffix);
      }
      if (names.length > 16) this.fail(m, `the match names ${names.length} records for one field (at most 16)`);
      const sel: Json = { record: names.length === 1 ? names[0] : names };
      if (occurrence > 0) sel.occurrence = occurrence;
      out.push({ suffix: { name: fieldName }, selector: sel });
    }
    return out;
  }

  /**
   * The flag table of a `lookup` (or of the driver's `mfct_tpl_status_bits`, whose map type is BitToString
   * unless it says otherwise) and its default message.
   */
  lookupFlags(l: XmqElement, defaultMapType = ""): { flags: Json; ok: string | undefined } {
    let lookupName = "", mapType = defaultMapType, mask = 0xffffffff, ok: string | undefined;
    const entries: (number | string)[][] = [];
    const maps: XmqElement[] = [];
    for (const e of this.elements(l)) {
      switch (e.name) {
        case "name": lookupName = this.value(e); break;
        case "map_type": mapType = this.value(e); break;
        case "mask_bits": mask = this.int(e, 1, 0xffffffffffff); break;
        case "default_message": ok = this.value(e); break;
        case "map": maps.push(e); break;
        default: this.fail(e, `unknown lookup element ${e.name}`);
      }
    }
    if (!["BitToString", "IndexToString", "DecimalsToString"].includes(mapType)) this.fail(l, `map_type ${JSON.stringify(mapType)} is not supported (BitToString, IndexToString, DecimalsToString)`);
    for (const m of maps) {
      let text: string | undefined, value: number | undefined;
      for (const e of this.elements(m)) {
        if (e.name === "name") text = this.value(e);
        else if (e.name === "info") continue;
        else if (e.name === "bit") value = 2 ** this.int(e, 0, 47);
        else if (e.name === "value") value = this.int(e, 0, 0xffffffffffff);
        else if (e.name === "test") {
          if (this.value(e).toLowerCase() !== "set") this.fail(e, `test ${JSON.stringify(e.value)} is not supported (Set)`);
        } else this.fail(e, `unknown map element ${e.name}`);
      }
      if (text === undefined || value === undefined) this.fail(m, "a map needs a name and a bit or value");
      if (mapType === "IndexToString") entries.push([mask, value, text]);
      else entries.push([value, text]);
    }
    if (mapType === "DecimalsToString") entries.sort((a, b) => (b[0] as number) - (a[0] as number));
    // bits outside mask_bits are not this lookup's: claimed by an entry that never names anything
    const outside = 0xffffffff - (mask % 0x100000000);
    if (mapType !== "DecimalsToString" && outside > 0) entries.push([outside, 0x1000000000000 - 1, ""]);
    const flags: Json = { entries, unknownPrefix: lookupName === "" ? "UNKNOWN_" : lookupName + "_" };
    if (mapType === "DecimalsToString") flags.decimalCodes = true;
    return { flags, ok };
  }

  /**
   * `mfct_tpl_status_bits`: names for the TPL status byte. As wmbusmeters reads it, a table that names any of the
   * standard bits 0..4 names the whole byte; otherwise the standard bits keep their names and the table names
   * the manufacturer bits 5..7.
   */
  tplStatusPart(l: XmqElement): Json {
    const { flags } = this.lookupFlags(l, "BitToString");
    const named = (flags.entries as (number | string)[][]).some((e) => e.length === 2 && ((e[0] as number) & 0x1f) !== 0);
    return named ? { tplStatus: true, tplStatusTable: flags, flags } : { tplStatus: true, flags };
  }

  /** A Text field with a lookup → a status field (flags of the record's value). */
  statusField(l: XmqElement, name: string, selector: Json, attributes: readonly string[], status: Json[]): Json | undefined {
    const { flags, ok } = this.lookupFlags(l);
    const part: Json = { fromRecord: { ...selector }, flags };
    if (attributes.includes("INJECT_INTO_STATUS")) {
      const target = status.find((s) => s.name === "status");
      if (target === undefined) this.fail(l, "INJECT_INTO_STATUS before a STATUS field is not supported");
      (target.parts as Json[]).push(part);
      return undefined;
    }
    const withTpl = attributes.includes("INCLUDE_TPL_STATUS");
    const s: Json = { name, parts: withTpl ? [{ tplStatus: true }, part] : [part] };
    s.okText = ok ?? "";
    // a lookup field whose record the telegram lacks is not set (wmbusmeters prints no flags for it), rather
    // than its default message; one that also reads the TPL status byte always has a source
    if (!withTpl) s.onlyWhenPresent = true;
    return s;
  }
}

/**
 * The driver definition of an XMQ driver file, validated; throws WmbusError naming file:line:column. With
 * `partial`, a field that does not convert (a formula, an element the importer does not know) is left out and
 * named in the warnings instead; what is wrong with the driver as a whole still throws.
 */
export function importXmqDriver(text: string, file = "input.xmq", options: { partial?: boolean } = {}): { driver: Json; warnings: string[] } {
  if (text.length > 1 << 20) throw new WmbusError("bad_argument", `${file}: larger than 1 MiB`);
  const nodes: XmqNode[] = parseXmq(text, file);
  const roots = nodes.filter(isElement);
  const stray = nodes.find((n) => !isElement(n));
  if (stray) throw new WmbusError("bad_argument", `${file}:${stray.line}:${stray.column}: text outside the driver element`);
  if (roots.length !== 1 || roots[0].name !== "driver") {
    const at = roots[0] ?? { line: 1, column: 1 };
    throw new WmbusError("bad_argument", `${file}:${at.line}:${at.column}: expected one driver { … } element`);
  }
  const imp = new Importer(file, options.partial === true);
  const driver = imp.driver(roots[0]);
  const v = validateDriver(driver, "driver");
  if (v.problems.length > 0) {
    throw new WmbusError("bad_argument", `${file}:${roots[0].line}:${roots[0].column}: the converted driver is not valid: ` + v.problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  }
  return { driver, warnings: imp.warnings };
}

/** The `tests { test { telegram, json, args } }` of an XMQ driver file (for checking an import). */
export function xmqDriverTests(text: string, file = "input.xmq"): { telegram: string; json: string; args: string }[] {
  const out: { telegram: string; json: string; args: string }[] = [];
  const root = parseXmq(text, file).filter(isElement).find((e) => e.name === "driver");
  const tests = root?.children.filter(isElement).find((e) => e.name === "tests");
  for (const t of tests?.children.filter(isElement) ?? []) {
    const get = (k: string) => t.children.filter(isElement).find((e) => e.name === k)?.value ?? "";
    out.push({ telegram: get("telegram").replace(/_/g, ""), json: get("json"), args: get("args") });
  }
  return out;
}
