/** Every host AES backend, by name, so tests and benches can run each of them. */
import type { BlockCipher } from "../../firmware/security/block-cipher.js";
import { nodeCipher } from "../../host/aes-node.js";
import { nobleCipher } from "./aes-noble.js";

export const AES_BACKENDS: [name: string, cipher: BlockCipher][] = [
  ["node:crypto", nodeCipher()],
  ["@noble/ciphers", nobleCipher()],
];
