import { WmbusError, fail } from "../errors.js";
import type { BlockCipher } from "./block-cipher.js";
import { ellIcb, ellDecrypt } from "./ell-ctr.js";
import { mode5Iv, mode5Decrypt } from "./mode5.js";
import { mode7Keys, mode7Decrypt } from "./mode7.js";
import { aflMacVerify } from "./afl-mac.js";
import type { SecurityHook, Telegram } from "../telegram.js";

function meterName(t: Telegram): string {
  const a = t.meter;
  return a ? `meter ${a.id} (${a.manufacturer})` : "meter";
}

/** Re-labels a primitive's error so that the user sees which meter failed; never adds key material. */
function named(t: Telegram, e: unknown): never {
  if (e instanceof WmbusError && (e.code === "wrong_key" || e.code === "mac_mismatch")) {
    throw new WmbusError(e.code, `${meterName(t)}: ${e.message}`, e.offset);
  }
  throw e;
}

/**
 * Wires the OMS security primitives into the decoder (EN 13757-7 §9; EN 13757-4 ELL):
 * ELL AES-CTR (CI 8D/8F), TPL mode 5 (AES-CBC, IV from address+ACC), TPL mode 7 (KDF-A, AFL CMAC, CBC IV 0).
 * Decrypted bytes replace the ciphertext in `t.bytes` so every offset stays valid.
 */
export function createSecurityHook(cipher: BlockCipher): SecurityHook {
  return {
    decryptEll(t: Telegram, key: Uint8Array): void {
      const ell = t.ell!;
      const dll = t.dll!;
      try {
        // ELL IV (8F) address is unresolved in the standard digest; the DLL address is used, as wmbusmeters does.
        const icb = ellIcb(dll.address.m, dll.address.bytes.subarray(2, 8), ell.cc, ell.snBytes!);
        t.bytes.set(ellDecrypt(cipher, key, icb, t.bytes, ell.crcOffset!));
      } catch (e) {
        named(t, e);
      } finally {
        key.fill(0);
      }
    },
    decryptTpl(t: Telegram, key: Uint8Array): void {
      const tpl = t.tpl!;
      const start = tpl.payloadOffset;
      const end = aplEnd(t);
      const region = t.bytes.subarray(0, end);
      try {
        if (tpl.securityMode === 5) {
          // IV from the TPL long-header address when present, else the DLL address (EN 13757-7 §9.4.3).
          const a = (tpl.address ?? t.dll?.address)!;
          const iv = mode5Iv(a.m, a.bytes.subarray(2, 6), a.version, a.deviceType, tpl.acc ?? 0);
          t.bytes.set(mode5Decrypt(cipher, key, iv, region, start, tpl.encBlocks));
          return;
        }
        const afl = t.afl;
        if (!afl || !afl.mcrBytes) {
          if (tpl.counterBytes === undefined) fail("unsupported_security_mode", `${meterName(t)}: mode 7 without AFL message counter`, start);
        }
        const counter = afl?.mcrBytes ?? tpl.counterBytes!;
        const a = (tpl.address ?? t.dll?.address)!;
        const kdf = tpl.cfgExt !== undefined ? (tpl.cfgExt >> 4) & 3 : 1;
        if (kdf > 1) fail("unsupported_security_mode", `${meterName(t)}: mode 7 key derivation ${kdf} is reserved`, start);
        const keys = kdf === 1 ? mode7Keys(cipher, key, counter, a.bytes.subarray(2, 6)) : { kenc: key, kmac: key };
        if (afl?.mac) {
          aflMacVerify(cipher, keys.kmac, {
            mcl: afl.mcl ?? 0,
            ki: afl.ki !== undefined ? Uint8Array.of(afl.ki & 0xff, afl.ki >> 8) : null,
            mcr: afl.mcrBytes ?? null,
            ml: afl.ml !== undefined ? Uint8Array.of(afl.ml & 0xff, afl.ml >> 8) : null,
          }, afl.mac, region, afl.end, end);
          t.security.push("afl_mac");
        }
        t.bytes.set(mode7Decrypt(cipher, keys.kenc, region, start, tpl.encBlocks));
      } catch (e) {
        named(t, e);
      } finally {
        key.fill(0);
      }
    },
  };
}

/** End of the TPL/APL region: the wired checksum byte, or the end of the wireless frame. */
function aplEnd(t: Telegram): number {
  return t.wired ? t.bytes.length - 2 : t.bytes.length;
}
