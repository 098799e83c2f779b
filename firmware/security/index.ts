/** Security layer: AES modes over an injected block cipher, OMS modes 5 and 7, ELL CTR, AFL MAC, keys, replay. */
export { BLOCK_SIZE, KEY_SIZE, checkKey, checkBlock, type BlockCipher } from "./block-cipher.js";
export { cbcEncrypt, cbcDecrypt, ctrXor, cmac, cmacSubkeys, constantTimeEqual } from "./modes.js";
export { tplSecurityMode, tplEncryptedBlocks, tplEncryptedLength } from "./tpl-cbc.js";
export { mode5Iv, mode5IvFromDll, mode5IvFromLongHeader, mode5Decrypt, mode5Encrypt } from "./mode5.js";
export {
  KDF_DC_ENC_FROM_METER,
  KDF_DC_MAC_FROM_METER,
  KDF_DC_ENC_TO_METER,
  KDF_DC_MAC_TO_METER,
  kdfA,
  mode7Keys,
  mode7Extension,
  mode7Decrypt,
  mode7Encrypt,
  type Mode7Extension,
} from "./mode7.js";
export { ELL_CC_ICB_MASK, ELL_ENC_NONE, ELL_ENC_AES_CTR, ellSnEncryption, ellIcb, ellPayloadCrcOk, ellDecrypt, ellEncrypt } from "./ell-ctr.js";
export { aflMacLength, aflMacInput, aflMacCompute, aflMacVerify, type AflMacFields } from "./afl-mac.js";
export { KeyStore, type KeyDescription } from "./key-store.js";
export { ReplayGuard, type CounterKind, type ReplayVerdict, type ReplayGuardOptions, type ReplayState, type ReplayMeterState } from "./replay.js";
