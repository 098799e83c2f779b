/**
 * No dead value exports in firmware/ (issue 13): every exported function, class or constant is imported by
 * another module, the host product or a test. Types stay exported as the names of an API's parameters.
 * host-tests/support/firmware-exports.ts does the reading; `node build/host-tests/support/firmware-exports.js`
 * lists the exports used by nobody and those used only by tests.
 */
import { describe, expect, it } from "vitest";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { firmwareExports } from "../support/firmware-exports.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Modules whose exports are read by the SDK build rather than by an import. */
const BY_BUILD = [
  /\/index\.ts$/, // preload barrels (manifest.json "preload")
  /^firmware\/native\//, // the device twins that replace a TS module under its name (native/manifest.json)
  /^firmware\/device\//, // device adapters, wired by main.ts on the boards that have the part
  /^firmware\/(host\/)?main\.ts$/, // entries
];

const PENDING = "used inside its module only: drop the export once the open branches are merged";

/** Exports kept on purpose although nothing imports them yet, each with its reason. */
const KEPT: { readonly [fileName: string]: string } = {
  "firmware/gateway/config.ts describe": "re-exported from setting-text.ts for branches written before the split",
  "firmware/gateway/config.ts nearestName": "the same",
  "firmware/gateway/config.ts SETTING_NAMES": "the same",
  "firmware/radio/cc1101/cc1101-registers.ts STATE": "the same",
  // Files the open branches (cmd, tx, drvschema, drvfields) edit: drop `export` after they are merged (each entry
  // fails this test once the branch imports it, or once the export is gone).
  "firmware/gateway/gateway.ts isoSeconds": PENDING,
  "firmware/meters/bytes.ts hexOf": PENDING,
  "firmware/meters/drivers/generic.ts GENERIC_FIELDS": PENDING,
  "firmware/meters/drivers/generic.ts genericRule": PENDING,
  "firmware/meters/drivers/rules.ts ERROR_FLAGS": PENDING,
  "firmware/meters/drivers/techem.ts techemDates": PENDING,
  "firmware/meters/fields.ts ruleMatches": PENDING,
  "firmware/meters/fields.ts fieldName": PENDING,
  "firmware/meters/fields.ts propertyKey": PENDING,
  "firmware/meters/plans.ts DEFAULT_PLAN_ENTRIES": PENDING,
  "firmware/meters/reading.ts applyDriver": PENDING,
  "firmware/meters/status.ts hexMin": PENDING,
  "firmware/platform/board.ts RADIO_OUTPUTS": PENDING,
  "firmware/radio/cc1101/cc1101.ts DEFAULT_CALIBRATE_EVERY_MS": PENDING,
  "firmware/radio/sx1262/sx1262-setup.ts DEVICE_ERROR_MASK": PENDING,
  "firmware/radio/sx1262/sx1262-setup.ts DEVICE_ERROR_PLL_LOCK": PENDING,
  "firmware/radio/sx1262/sx1262-setup.ts takeDeviceErrors": PENDING,
  "firmware/uplink/mqtt-uplink.ts ONLINE": PENDING,
  "firmware/uplink/mqtt-uplink.ts OFFLINE": PENDING,
  "firmware/web/web-api.ts guessDriver": PENDING,
};

describe("firmware exports", () => {
  const all = firmwareExports(ROOT);

  it("reads the imports (a few known users are found)", () => {
    const find = (file: string, name: string) => all.find((e) => e.file === file && e.name === name);
    expect(all.length).toBeGreaterThan(500);
    expect(find("firmware/util/hex.ts", "fromHex")?.users).toBe("firmware");
    expect(find("firmware/errors.ts", "WmbusError")?.users).toBe("firmware");
    expect(find("firmware/gateway/unknown-meters.ts", "UNKNOWN_ENTRY_BYTES")?.users).toBe("tests");
    expect(find("firmware/telegram.ts", "Telegram")?.type).toBe(true);
  });

  it("no value export is imported by nobody (build-read modules and the listed ones aside)", () => {
    const dead = all
      .filter((e) => e.users === "none" && !e.type && !BY_BUILD.some((r) => r.test(e.file)))
      .map((e) => `${e.file} ${e.name}`);
    expect(dead.filter((k) => KEPT[k] === undefined)).toEqual([]);
    expect(Object.keys(KEPT).filter((k) => !dead.includes(k))).toEqual([]);
  });
});
