/**
 * CI-field table (EN 13757-7:2018 Table 2; EN 13757-3 Annex G for format/compact frames).
 * Data, not code: each entry says which header follows and what the payload is.
 */
import { deepFreeze } from "../util/freeze.js";

export type HeaderKind = "none" | "short" | "long";
export type PayloadKind =
  | "full" // APL data records
  | "compact" // compact frame (Annex G)
  | "format" // format frame (Annex G)
  | "none" // TPL only, no APL (e.g. ACC-NR)
  | "manufacturer" // manufacturer-specific bytes
  | "other"; // known CI whose APL we keep as bytes (commands, DLMS, images, security transfer…)

export interface CiInfo {
  layer: "tpl" | "ell" | "afl" | "nwl";
  header: HeaderKind;
  payload: PayloadKind;
  name: string;
}

const T = (header: HeaderKind, payload: PayloadKind, name: string): CiInfo => ({ layer: "tpl", header, payload, name });

const TABLE: Record<number, CiInfo> = deepFreeze({
  0x50: T("none", "other", "application_reset"),
  0x51: T("none", "full", "command_to_device"),
  0x53: T("long", "other", "application_reset"),
  0x54: T("none", "other", "request_selected_application"),
  0x55: T("long", "other", "request_selected_application"),
  0x5a: T("short", "full", "command_to_device"),
  0x5b: T("long", "full", "command_to_device"),
  0x5c: T("none", "other", "synchronise_action"),
  0x5f: T("long", "other", "specific_usage"),
  0x60: T("long", "other", "dlms_command"),
  0x61: T("short", "other", "dlms_command"),
  0x64: T("long", "other", "obis_command"),
  0x65: T("short", "other", "obis_command"),
  0x66: T("none", "other", "selected_application_response"),
  0x67: T("short", "other", "selected_application_response"),
  0x68: T("long", "other", "selected_application_response"),
  0x69: T("none", "format", "format_frame"),
  0x6a: T("short", "format", "format_frame"),
  0x6b: T("long", "format", "format_frame"),
  0x6c: T("long", "other", "time_sync_absolute"),
  0x6d: T("long", "other", "time_sync_relative"),
  0x6e: T("short", "other", "application_error"),
  0x6f: T("long", "other", "application_error"),
  0x70: T("none", "other", "application_error"),
  0x71: T("none", "other", "alarm"),
  0x72: T("long", "full", "response_long"),
  0x73: T("long", "compact", "compact_long"),
  0x74: T("short", "other", "alarm"),
  0x75: T("long", "other", "alarm"),
  0x78: T("none", "full", "response_none"),
  0x79: T("none", "compact", "compact_none"),
  0x7a: T("short", "full", "response_short"),
  0x7b: T("short", "compact", "compact_short"),
  0x7c: T("long", "other", "dlms_response"),
  0x7d: T("short", "other", "dlms_response"),
  0x7e: T("long", "other", "obis_response"),
  0x7f: T("short", "other", "obis_response"),
  0x80: T("long", "none", "tpl_to_device"),
  0x81: { layer: "nwl", header: "none", payload: "other", name: "network_layer" },
  0x82: T("long", "other", "network_management"),
  0x83: T("none", "other", "network_management"),
  0x84: T("long", "none", "tpl_to_device_compact_expected"),
  0x85: T("long", "none", "tpl_to_device_format_expected"),
  0x87: T("long", "other", "network_management_response"),
  0x88: T("short", "other", "network_management_response"),
  0x89: T("none", "other", "network_management_response"),
  0x8a: T("short", "none", "tpl_from_device"),
  0x8b: T("long", "none", "tpl_from_device"),
  0x8c: { layer: "ell", header: "none", payload: "other", name: "ell_i" },
  0x8d: { layer: "ell", header: "none", payload: "other", name: "ell_ii" },
  0x8e: { layer: "ell", header: "none", payload: "other", name: "ell_iii" },
  0x8f: { layer: "ell", header: "none", payload: "other", name: "ell_iv" },
  0x90: { layer: "afl", header: "none", payload: "other", name: "afl" },
  0x9e: T("short", "other", "specific_usage"),
  0x9f: T("long", "other", "specific_usage"),
  0xc0: T("long", "other", "image_transfer"),
  0xc1: T("short", "other", "image_transfer"),
  0xc2: T("long", "other", "image_transfer"),
  0xc3: T("long", "other", "security_transfer"),
  0xc4: T("short", "other", "security_transfer"),
  0xc5: T("long", "other", "security_transfer"),
});

const MANUFACTURER = deepFreeze(T("none", "manufacturer", "manufacturer_specific"));
const BAUD = deepFreeze(T("none", "other", "set_baud_rate"));

/** Looks a CI up; undefined when reserved/unknown. 0xA0–0xB7 are manufacturer specific (no standard header). */
export function ciInfo(ci: number): CiInfo | undefined {
  const e = TABLE[ci];
  if (e) return e;
  if (ci >= 0xa0 && ci <= 0xb7) return MANUFACTURER;
  if (ci >= 0xb8 && ci <= 0xbf) return BAUD;
  return undefined;
}
