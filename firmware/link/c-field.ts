/** C-field names (EN 13757-4 §5.5; wired EN 13757-2 §5.4). Bit 6 is PRM; wired bits 5/4 are FCB/FCV or ACD/DFC. */
import { deepFreeze } from "../util/freeze.js";

const NAMES: Record<number, string> = deepFreeze({
  0x40: "SND_NKE", 0x53: "SND_UD", 0x73: "SND_UD", 0x43: "SND_UD2", 0x5a: "REQ_UD1", 0x7a: "REQ_UD1",
  0x5b: "REQ_UD2", 0x7b: "REQ_UD2", 0x06: "CNF_IR", 0x00: "ACK", 0x10: "ACK", 0x20: "ACK", 0x30: "ACK",
  0x01: "NACK", 0x44: "SND_NR", 0x46: "SND_IR", 0x47: "ACC_NR", 0x48: "ACC_DMD", 0x08: "RSP_UD",
  0x18: "RSP_UD", 0x28: "RSP_UD", 0x38: "RSP_UD",
});

export function cFieldName(c: number): string {
  return NAMES[c] ?? "C_" + ((c >> 4) & 15).toString(16).toUpperCase() + (c & 15).toString(16).toUpperCase();
}
