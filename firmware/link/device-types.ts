/**
 * Device type / medium (EN 13757-3:2018 Table 12; A-field byte 9, TPL long header byte 8).
 * Index = type code; names are stable snake_case media names used in readings.
 */
import { deepFreeze } from "../util/freeze.js";

const NAMES: Record<number, string> = deepFreeze({
  0x00: "other", 0x01: "oil", 0x02: "electricity", 0x03: "gas", 0x04: "heat", 0x05: "steam",
  0x06: "warm_water", 0x07: "water", 0x08: "heat_cost_allocator", 0x09: "compressed_air",
  0x0a: "cooling_load_outlet", 0x0b: "cooling_load_inlet", 0x0c: "heat_inlet", 0x0d: "heat_cooling_load",
  0x0e: "bus_system_component", 0x0f: "unknown", 0x14: "calorific_value", 0x15: "hot_water",
  0x16: "cold_water", 0x17: "dual_register_water", 0x18: "pressure", 0x19: "ad_converter",
  0x1a: "smoke_detector", 0x1b: "room_sensor", 0x1c: "gas_detector", 0x20: "breaker",
  0x21: "valve", 0x25: "customer_unit", 0x28: "waste_water", 0x29: "garbage", 0x2a: "carbon_dioxide",
  0x31: "communication_controller", 0x32: "unidirectional_repeater", 0x33: "bidirectional_repeater",
  0x36: "radio_converter_system_side", 0x37: "radio_converter_meter_side", 0x38: "wired_adapter",
});

export function deviceTypeName(t: number): string {
  const n = NAMES[t];
  if (n !== undefined) return n;
  if (t >= 0x1d && t <= 0x1f) return "reserved_sensor";
  return "reserved";
}
