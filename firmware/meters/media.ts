/**
 * The "media" text of a reading: the device type (EN 13757-7 table 12 / EN 13757-3 table 12)
 * in words. Codes the standard leaves reserved read "reserved".
 */
import { deepFreeze } from "../util/freeze.js";

const MEDIA: { readonly [type: number]: string } = deepFreeze({
  0x00: "other",
  0x01: "oil",
  0x02: "electricity",
  0x03: "gas",
  0x04: "heat",
  0x05: "steam",
  0x06: "warm water",
  0x07: "water",
  0x08: "heat cost allocation",
  0x09: "compressed air",
  0x0a: "cooling load volume at outlet",
  0x0b: "cooling load volume at inlet",
  0x0c: "heat volume at inlet",
  0x0d: "heat/cooling load",
  0x0e: "bus/system component",
  0x0f: "unknown",
  0x14: "calorific value",
  0x15: "hot water",
  0x16: "cold water",
  0x17: "dual register (hot/cold) water",
  0x18: "pressure",
  0x19: "A/D converter",
  0x1a: "smoke detector",
  0x1b: "room sensor",
  0x1c: "gas detector",
  0x20: "breaker (electricity)",
  0x21: "valve (gas or water)",
  0x25: "customer unit (display device)",
  0x28: "waste water",
  0x29: "garbage",
  0x2a: "carbon dioxide",
  0x31: "communication controller",
  0x33: "bidirectional repeater",
  0x36: "radio converter (system side)",
  0x37: "radio converter (meter side)",
});

export function mediaText(deviceType: number): string {
  const m = MEDIA[deviceType];
  return m === undefined ? "reserved" : m;
}
