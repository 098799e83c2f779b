/**
 * VIF extension table FD: the code byte after VIF 0xFD (EN 13757-3:2018 §6.4.4, table 12).
 * Codes 0x77..0x7F are reserved.
 */
import { expandTable, TIME_UNITS, type VifEntry } from "./vif-tables.js";
import { deepFreeze } from "../util/freeze.js";

const TIME_HDMY: readonly string[] = deepFreeze(["h", "d", "month", "year"]);

const FD_VIFS: readonly VifEntry[] = deepFreeze([
  { from: 0x00, to: 0x03, q: "credit", unit: "currency", exp: -3 },
  { from: 0x04, to: 0x07, q: "debit", unit: "currency", exp: -3 },
  { from: 0x08, to: 0x08, q: "access_number", unit: "", kind: "unsigned" }, // 2018: unique message identification
  { from: 0x09, to: 0x09, q: "device_type", unit: "", kind: "unsigned" }, // medium
  { from: 0x0a, to: 0x0a, q: "manufacturer", unit: "" },
  { from: 0x0b, to: 0x0b, q: "parameter_set_id", unit: "" },
  { from: 0x0c, to: 0x0c, q: "model_version", unit: "" },
  { from: 0x0d, to: 0x0d, q: "hardware_version", unit: "" },
  { from: 0x0e, to: 0x0e, q: "firmware_version", unit: "" },
  { from: 0x0f, to: 0x0f, q: "software_version", unit: "" },
  { from: 0x10, to: 0x10, q: "customer_location", unit: "", kind: "id" },
  { from: 0x11, to: 0x11, q: "customer", unit: "", kind: "id" },
  { from: 0x12, to: 0x12, q: "access_code_user", unit: "", kind: "id" },
  { from: 0x13, to: 0x13, q: "access_code_operator", unit: "", kind: "id" },
  { from: 0x14, to: 0x14, q: "access_code_system_operator", unit: "", kind: "id" },
  { from: 0x15, to: 0x15, q: "access_code_developer", unit: "", kind: "id" },
  { from: 0x16, to: 0x16, q: "password", unit: "", kind: "hex" },
  { from: 0x17, to: 0x17, q: "error_flags", unit: "", kind: "unsigned" },
  { from: 0x18, to: 0x18, q: "error_mask", unit: "", kind: "unsigned" },
  { from: 0x19, to: 0x19, q: "security_key", unit: "", kind: "hex" }, // 2018
  { from: 0x1a, to: 0x1a, q: "digital_output", unit: "", kind: "unsigned" },
  { from: 0x1b, to: 0x1b, q: "digital_input", unit: "", kind: "unsigned" },
  { from: 0x1c, to: 0x1c, q: "baud_rate", unit: "Bd" },
  { from: 0x1d, to: 0x1d, q: "response_delay_time", unit: "bittimes" },
  { from: 0x1e, to: 0x1e, q: "retry", unit: "" },
  { from: 0x1f, to: 0x1f, q: "remote_control", unit: "", kind: "unsigned" }, // 2018
  { from: 0x20, to: 0x20, q: "first_storage_number", unit: "" },
  { from: 0x21, to: 0x21, q: "last_storage_number", unit: "" },
  { from: 0x22, to: 0x22, q: "storage_block_size", unit: "" },
  { from: 0x23, to: 0x23, q: "tariff_subunit_descriptor", unit: "", kind: "unsigned" }, // 2018
  { from: 0x24, to: 0x27, q: "storage_interval", unit: TIME_UNITS },
  { from: 0x28, to: 0x28, q: "storage_interval", unit: "month" },
  { from: 0x29, to: 0x29, q: "storage_interval", unit: "year" },
  { from: 0x2a, to: 0x2a, q: "operator_specific_data", unit: "", kind: "hex" }, // 2018
  { from: 0x2b, to: 0x2b, q: "time_point_second", unit: "s" }, // 2018
  { from: 0x2c, to: 0x2f, q: "duration_since_last_readout", unit: TIME_UNITS },
  { from: 0x30, to: 0x30, q: "tariff_start", unit: "", kind: "date" },
  { from: 0x31, to: 0x33, q: "tariff_duration", unit: ["min", "h", "d"] },
  { from: 0x34, to: 0x37, q: "tariff_period", unit: TIME_UNITS },
  { from: 0x38, to: 0x38, q: "tariff_period", unit: "month" },
  { from: 0x39, to: 0x39, q: "tariff_period", unit: "year" },
  { from: 0x3a, to: 0x3a, q: "dimensionless", unit: "" },
  { from: 0x3b, to: 0x3b, q: "wmbus_data_container", unit: "", kind: "container" }, // 2018
  { from: 0x3c, to: 0x3f, q: "nominal_transmission_period", unit: TIME_UNITS }, // 2018
  { from: 0x40, to: 0x4f, q: "voltage", unit: "V", exp: -9 },
  { from: 0x50, to: 0x5f, q: "current", unit: "A", exp: -12 },
  { from: 0x60, to: 0x60, q: "reset_counter", unit: "" },
  { from: 0x61, to: 0x61, q: "cumulation_counter", unit: "" },
  { from: 0x62, to: 0x62, q: "control_signal", unit: "", kind: "unsigned" },
  { from: 0x63, to: 0x63, q: "day_of_week", unit: "" },
  { from: 0x64, to: 0x64, q: "week_number", unit: "" },
  { from: 0x65, to: 0x65, q: "day_change_time_point", unit: "" },
  { from: 0x66, to: 0x66, q: "parameter_activation_state", unit: "", kind: "unsigned" },
  { from: 0x67, to: 0x67, q: "special_supplier_information", unit: "" },
  { from: 0x68, to: 0x6b, q: "duration_since_last_cumulation", unit: TIME_HDMY },
  { from: 0x6c, to: 0x6f, q: "battery_operating_time", unit: TIME_HDMY },
  { from: 0x70, to: 0x70, q: "battery_change_date", unit: "", kind: "date" },
  { from: 0x71, to: 0x71, q: "rf_level", unit: "dBm" }, // 2018
  { from: 0x72, to: 0x72, q: "daylight_saving", unit: "", kind: "hex" }, // type K (2018)
  { from: 0x73, to: 0x73, q: "listening_window", unit: "", kind: "hex" }, // type L (2018)
  { from: 0x74, to: 0x74, q: "remaining_battery_life", unit: "d" },
  { from: 0x75, to: 0x75, q: "meter_stop_count", unit: "" },
  { from: 0x76, to: 0x76, q: "manufacturer_data_container", unit: "", kind: "container" }, // 2018
]);

export const FD_TABLE = deepFreeze(expandTable(FD_VIFS));
