/** Host HashService for the web login and OTA checks: node:crypto's SHA-256 and randomBytes. */
import { createHash, randomBytes } from "node:crypto";
import type { HashService } from "../firmware/web/web-crypto.js";

export const nodeHash: HashService = {
  createSha256() {
    const h = createHash("sha256");
    return { update: (b) => void h.update(b), digest: () => new Uint8Array(h.digest()) };
  },
  random: (n) => new Uint8Array(randomBytes(n)),
};
