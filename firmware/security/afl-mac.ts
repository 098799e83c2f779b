/**
 * AFL message authentication (EN 13757-7:2018 AFL and clause 9; CEN/TR 17167 F.3; docs/protocol.md §4):
 * MAC = CMAC(Kmac, MCL ‖ [KI] ‖ MCR ‖ [ML] ‖ TPL bytes from the CI to the last byte of the frame),
 * truncated to the length given by MCL.AT. It covers the ciphertext (encrypt-then-MAC), so verify
 * it before decrypting.
 */
import { fail } from "../errors.js";
import { checkKey, type BlockCipher } from "./block-cipher.js";
import { cmac, constantTimeEqual } from "./modes.js";

/** The AFL fields that enter the MAC, each as on air. Absent fields are left out of the input. */
export interface AflMacFields {
  /** MCL byte; bits 3..0 = AT. */
  mcl: number;
  /** KI, 2 bytes, when FCL bit 9 says present. */
  ki?: Uint8Array | null;
  /** MCR, 4 bytes, when FCL bit 11 says present. */
  mcr?: Uint8Array | null;
  /** ML, 2 bytes, when FCL bit 12 says present. */
  ml?: Uint8Array | null;
}

/** MAC length in bytes for MCL.AT: 3 → 2, 4 → 4, 5 → 8, 6 → 12, 7 → 16. Others: unsupported_security_mode. */
export function aflMacLength(mcl: number): number {
  const at = mcl & 0x0f;
  switch (at) {
    case 3:
      return 2;
    case 4:
      return 4;
    case 5:
      return 8;
    case 6:
      return 12;
    case 7:
      return 16;
    default:
      return fail(
        "unsupported_security_mode",
        at === 0 ? "AFL: MCL.AT = 0, no MAC" : at === 8 ? "AFL: AES-GMAC (AT 8) is not supported" : `AFL: reserved authentication type ${at}`,
      );
  }
}

function optional(b: Uint8Array | null | undefined, n: number, what: string): number {
  if (b === undefined || b === null) return 0;
  if (!(b instanceof Uint8Array) || b.length !== n) fail("bad_argument", `AFL ${what} must be ${n} bytes`);
  return n;
}

/** The MAC input: MCL ‖ [KI] ‖ [MCR] ‖ [ML] ‖ frame[tplStart, end). */
export function aflMacInput(fields: AflMacFields, frame: Uint8Array, tplStart: number, end = frame.length): Uint8Array {
  if (!Number.isInteger(tplStart) || !Number.isInteger(end) || tplStart < 0 || end < tplStart || end > frame.length) {
    fail("truncated", `AFL MAC: TPL range [${tplStart}, ${end}) outside the ${frame.length}-byte frame`, tplStart);
  }
  const nKi = optional(fields.ki, 2, "KI");
  const nMcr = optional(fields.mcr, 4, "MCR");
  const nMl = optional(fields.ml, 2, "ML");
  const input = new Uint8Array(1 + nKi + nMcr + nMl + (end - tplStart));
  let p = 0;
  input[p++] = fields.mcl & 0xff;
  if (fields.ki) {
    input.set(fields.ki, p);
    p += nKi;
  }
  if (fields.mcr) {
    input.set(fields.mcr, p);
    p += nMcr;
  }
  if (fields.ml) {
    input.set(fields.ml, p);
    p += nMl;
  }
  input.set(frame.subarray(tplStart, end), p);
  return input;
}

/** Computes the truncated AFL MAC (length from MCL.AT). */
export function aflMacCompute(
  cipher: BlockCipher,
  kmac: Uint8Array,
  fields: AflMacFields,
  frame: Uint8Array,
  tplStart: number,
  end = frame.length,
): Uint8Array {
  checkKey(kmac, "Kmac");
  const len = aflMacLength(fields.mcl);
  return cmac(cipher, kmac, aflMacInput(fields, frame, tplStart, end), 0, undefined, len);
}

/**
 * Verifies a received AFL MAC in constant time. Throws WmbusError "mac_mismatch" (offset
 * `macOffset`, the MAC's position in the frame, if given) when it differs, or when its length
 * does not match MCL.AT.
 */
export function aflMacVerify(
  cipher: BlockCipher,
  kmac: Uint8Array,
  fields: AflMacFields,
  mac: Uint8Array,
  frame: Uint8Array,
  tplStart: number,
  end = frame.length,
  macOffset = -1,
): void {
  const want = aflMacCompute(cipher, kmac, fields, frame, tplStart, end);
  const ok = constantTimeEqual(want, mac);
  want.fill(0);
  if (!ok) {
    fail("mac_mismatch", mac.length !== want.length ? `AFL MAC is ${mac.length} bytes, MCL.AT says ${want.length}` : "AFL MAC mismatch (wrong key or altered frame)", macOffset);
  }
}
