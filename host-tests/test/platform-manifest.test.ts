/**
 * The Moddable build description, checked without the SDK: manifest.json (module mapping, preload,
 * main module, TypeScript and memory settings) and every board in boards/ (manifest, pins.json,
 * the shared host provider evaluated against each pins.json). See docs/moddable-build.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RADIO_PINS, checkBoard, type BoardDescription } from "../../firmware/platform/board.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));
const manifest = readJson("manifest.json");

/**
 * TODO allow-list: module paths the manifest may name before the code exists. Keep it short and
 * remove an entry as soon as its files are committed.
 */
const NOT_YET_WRITTEN = new Set<string>([]);

/** Extensions mcconfig turns into modules or native code (a bare source path matches all of them). */
const MODULE_EXT = [".ts", ".js", ".mjs", ".c", ".json"];
const isModuleFile = (name: string) => MODULE_EXT.some((e) => name.endsWith(e)) && !name.endsWith(".d.ts") && !name.startsWith("manifest");

function sources(value: unknown): string[] {
  return typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
}

/** Resolves a `modules` source path (relative to the repository) the way mcconfig matches it. */
function resolves(source: string): boolean {
  const path = join(ROOT, source);
  if (source.endsWith("/*")) {
    const dir = path.slice(0, -2);
    return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some(isModuleFile);
  }
  const dir = dirname(path);
  const base = path.slice(dir.length + 1);
  if (existsSync(path) && statSync(path).isDirectory()) return true;
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(base + ".") && MODULE_EXT.some((e) => f === base + e));
}

/** The source file of a module specifier under our `modules` mapping, or undefined. */
function moduleFile(specifier: string): string | undefined {
  for (const [target, value] of Object.entries(manifest.modules as Record<string, unknown>)) {
    if (!target.endsWith("/*")) continue;
    const prefix = target.slice(0, -1);
    if (!specifier.startsWith(prefix) || specifier.slice(prefix.length).includes("/")) continue;
    for (const source of sources(value)) {
      const base = join(ROOT, source.slice(0, -1) + specifier.slice(prefix.length));
      for (const ext of [".ts", ".js"]) if (existsSync(base + ext)) return relative(ROOT, base + ext);
    }
  }
  return undefined;
}

/** What the device build includes: the manifest's own includes plus those of its "esp32/*" platform. */
const deviceIncludes = (): string[] => [...(manifest.include as string[]), ...((manifest.platforms["esp32/*"].include ?? []) as string[])];
/** Module mappings of every platform, merged over the top-level ones. */
const allModules = (): Record<string, unknown>[] => [
  manifest.modules as Record<string, unknown>,
  ...Object.values(manifest.platforms as Record<string, { modules?: Record<string, unknown> }>).map((p) => p.modules ?? {}),
];

describe("manifest.json", () => {
  it("includes the SDK manifests the gateway needs", () => {
    for (const m of [
      "examples/manifest_base.json",
      "examples/manifest_net.json",
      "modules/io/manifest.json",
      "modules/network/mqtt/manifest.json",
      "modules/network/http/manifest.json",
      "modules/crypt/tls.json", // SecureSocket for mqtts:// and https://
      "modules/base/microseconds/manifest.json", // Time.microseconds for the radio's busy-waits
      "modules/network/sntp/manifest.json",
      "modules/crypt/digest/manifest.json",
      "modules/files/preference/manifest.json",
      "modules/data/text/encoder/manifest.json",
      "modules/data/text/decoder/manifest.json",
    ]) {
      expect(deviceIncludes()).toContain("$(MODDABLE)/" + m);
    }
  });

  it("builds the host platform x-cli-lin without the device-only SDK modules, and the device without the host main", () => {
    const host = manifest.platforms["x-cli-lin"];
    expect(host.modules["wmbus/host/*"]).toBe("./firmware/host/*");
    expect(host.creation.main).toBe("wmbus/host/main");
    // microseconds, io, Wi-Fi and the network modules do not build or mean nothing on a PC: device only
    for (const m of ["modules/base/microseconds/manifest.json", "modules/io/manifest.json", "examples/manifest_net.json"]) {
      expect(manifest.include).not.toContain("$(MODDABLE)/" + m);
    }
    expect(JSON.stringify(manifest.platforms["esp32/*"])).not.toContain("firmware/host");
    expect(Object.keys(manifest.modules)).not.toContain("wmbus/host/*");
  });

  it("every local include and every modules path exists (or is on the TODO allow-list)", () => {
    for (const inc of manifest.include as string[]) {
      if (inc.startsWith("./")) expect(existsSync(join(ROOT, inc)), inc).toBe(true);
    }
    const missing: string[] = [];
    for (const [target, value] of Object.entries(manifest.modules as Record<string, unknown>)) {
      for (const source of sources(value)) {
        expect(source.startsWith("./"), `${target}: use a path relative to the repository`).toBe(true);
        if (!resolves(source) && !NOT_YET_WRITTEN.has(source)) missing.push(`${target} -> ${source}`);
      }
      if (target.endsWith("/*")) expect(sources(value).every((s) => s.endsWith("/*")), target).toBe(true);
    }
    expect(missing).toEqual([]);
  });

  it("maps every firmware folder that holds modules (or includes a manifest there)", () => {
    const mapped = new Set<string>();
    for (const modules of allModules()) {
      for (const value of Object.values(modules)) {
        for (const s of sources(value)) if (s.endsWith("/*")) mapped.add(relative(ROOT, join(ROOT, s.slice(0, -2))));
      }
    }
    for (const inc of manifest.include as string[]) if (inc.startsWith("./")) mapped.add(relative(ROOT, dirname(join(ROOT, inc))));
    const unmapped: string[] = [];
    const walk = (dir: string) => {
      const names = readdirSync(join(ROOT, dir));
      if (names.some(isModuleFile) && !mapped.has(dir)) unmapped.push(dir);
      for (const n of names) if (statSync(join(ROOT, dir, n)).isDirectory()) walk(join(dir, n));
    };
    walk("firmware");
    expect(unmapped, "add a \"wmbus/<folder>/*\": \"./firmware/<folder>/*\" line to manifest.json").toEqual([]);
  });

  it("keeps firmware/tsconfig.json out of the module list", () => {
    expect(manifest.modules["~"]).toContain("./firmware/tsconfig");
    expect(existsSync(join(ROOT, "firmware/tsconfig.json"))).toBe(true);
  });

  it("preloads existing modules by exact name (mcconfig ignores wildcard preloads of .ts files)", () => {
    for (const p of manifest.preload as string[]) {
      expect(p.includes("*"), p).toBe(false);
      expect(moduleFile(p), p).toBeDefined();
    }
  });

  it("names a main module that exists (or is on the TODO allow-list)", () => {
    const main = manifest.platforms["esp32/*"].creation.main as string;
    expect(main.startsWith("wmbus/")).toBe(true);
    if (!NOT_YET_WRITTEN.has(main)) expect(moduleFile(main), main).toBeDefined();
  });

  it("sets async main, the task queue, ES2022 TypeScript output and a transpile-only device build", () => {
    expect(manifest.defines.main.async).toBe(1);
    expect(manifest.defines.task.queueLength).toBeGreaterThanOrEqual(10);
    const ts = manifest.typescript.tsconfig.compilerOptions;
    expect(ts.target).toBe("es2022");
    expect(ts.lib).toEqual(["es2022"]);
    expect(ts.noCheck).toBe(true);
  });

  it("fits the XS heaps and stack into the static block", () => {
    const c = manifest.platforms["esp32/*"].creation;
    const SLOT = 16; // bytes per XS slot on a 32-bit MCU
    expect(c.static).toBeGreaterThanOrEqual(c.chunk.initial + c.heap.initial * SLOT + c.stack * SLOT + 64 * 1024);
    expect(c.static).toBeLessThanOrEqual(192 * 1024); // leaves room for Wi-Fi, lwIP and the radio task
    expect(c.nativeStack).toBeGreaterThanOrEqual(10 * 1024);
  });

  it("keeps board facts out of the app config (the app manifest is merged last and would override the board's)", () => {
    expect(manifest.config).not.toHaveProperty("board");
    expect(manifest.config).not.toHaveProperty("radio");
    expect(typeof manifest.config.mqttHost).toBe("string");
    expect(Number.isInteger(manifest.config.mqttPort)).toBe(true);
    expect(typeof manifest.config.mqttTopic).toBe("string");
  });

  it("builds only for ESP32 boards", () => {
    expect(Object.keys(manifest.platforms)).toEqual(expect.arrayContaining(["esp32/*", "esp32", "..."]));
    expect(manifest.platforms.esp32.error).toMatch(/board/);
  });
});

const BOARDS = readdirSync(join(ROOT, "boards")).filter((n) => n !== "common" && statSync(join(ROOT, "boards", n)).isDirectory());

/** Runs boards/common/provider.js with stand-in IO classes and the given pins.json. */
function provide(board: BoardDescription) {
  const text = readFileSync(join(ROOT, "boards/common/provider.js"), "utf8");
  const imports = [...text.matchAll(/^import (\w+) from "([^"]+)";$/gm)].map((m) => [m[1], m[2]]);
  expect(imports).toEqual([["Digital", "embedded:io/digital"], ["SPI", "embedded:io/spi"], ["board", "wmbus/board"]]);
  expect(text.match(/^export default device;$/gm)).toHaveLength(1);
  const body = text.replace(/^import .*$/gm, "").replace(/^export default device;$/m, "return device;");
  class Digital {
    static Input = 0;
    static Output = 8;
  }
  class SPI {}
  const device = new Function("Digital", "SPI", "board", body)(Digital, SPI, board);
  return { device, Digital, SPI };
}

/** Where each pins.json radio pin ends up in device.peripheral.radio. */
const BUNDLE: Record<string, [bundle: string, field: string]> = {
  sck: ["spi", "clock"],
  mosi: ["spi", "out"],
  miso: ["spi", "in"],
  radioSelect: ["select", "pin"],
  radioReset: ["reset", "pin"],
  radioBusy: ["busy", "pin"],
  radioDio1: ["dio1", "pin"],
  radioGdo0: ["gdo0", "pin"],
  radioGdo2: ["gdo2", "pin"],
};

describe("boards", () => {
  it("has the two reference boards", () => {
    expect(BOARDS).toEqual(expect.arrayContaining(["heltec-wifi-lora-32-v3", "esp32-cc1101"]));
  });

  describe.each(BOARDS)("%s", (name) => {
    const dir = `boards/${name}`;
    const pins = readJson(`${dir}/pins.json`) as BoardDescription;
    const boardManifest = readJson(`${dir}/manifest.json`);

    it("is a usable subplatform folder (manifest.json, host/provider.js, lower-case name)", () => {
      expect(name).toBe(name.toLowerCase()); // mcconfig lower-cases the whole -p argument
      expect(existsSync(join(ROOT, dir, "host/provider.js"))).toBe(true);
      expect(readFileSync(join(ROOT, dir, "host/provider.js"), "utf8")).toMatch(/^export \{default\} from "wmbus\/board-provider";$/m);
      expect(boardManifest.modules["wmbus/board"]).toBe("./pins");
      expect(boardManifest.modules["wmbus/board-provider"]).toBe("../common/provider");
      expect(boardManifest.preload).toEqual(expect.arrayContaining(["wmbus/board", "wmbus/board-provider"]));
      expect(boardManifest.include).toContain("$(MODDABLE)/modules/io/manifest.json");
    });

    it("pins.json is valid: every pin the radio driver needs, no GPIO twice, no flash or input-only misuse", () => {
      expect(checkBoard(pins)).toEqual([]);
      expect(pins.board).toBe(name);
      for (const pin of RADIO_PINS[pins.radio.kind]) expect(Number.isInteger(pins.pins[pin]), pin).toBe(true);
      const numbers = Object.values(pins.pins);
      expect(new Set(numbers).size).toBe(numbers.length);
    });

    it("manifest config and build match pins.json", () => {
      expect(boardManifest.config.board).toBe(name);
      expect(boardManifest.config.radio).toBe(pins.radio.kind);
      expect(boardManifest.build?.ESP32_SUBCLASS).toBe(pins.mcu === "esp32" ? undefined : pins.mcu);
    });

    it("the provider turns pins.json into device.pin, device.SPI.default and device.peripheral.radio", () => {
      const { device, Digital, SPI } = provide(pins);
      expect(device.io).toEqual({ Digital, SPI });
      expect(device.pin).toEqual(pins.pins);
      expect(device.SPI.default).toEqual({ io: SPI, clock: pins.pins.sck, out: pins.pins.mosi, in: pins.pins.miso, port: pins.radio.spiPort });
      const radio = device.peripheral.radio;
      expect(radio.kind).toBe(pins.radio.kind);
      expect(radio.xtalHz).toBe(pins.radio.xtalHz);
      expect(radio.spi).toMatchObject({ io: SPI, hz: pins.radio.spiHz, mode: 0, port: pins.radio.spiPort });
      expect(radio.spi).not.toHaveProperty("select");
      for (const pin of RADIO_PINS[pins.radio.kind]) {
        const [bundle, field] = BUNDLE[pin];
        expect(radio[bundle]?.[field], pin).toBe(pins.pins[pin]);
        expect(radio[bundle].io, pin).toBe(bundle === "spi" ? SPI : Digital);
      }
      expect(radio.select).toMatchObject({ mode: Digital.Output, initialValue: 1 });
      if (radio.kind === "sx1262") {
        expect(radio.reset).toMatchObject({ mode: Digital.Output, initialValue: 1 });
        expect(radio.busy.mode).toBe(Digital.Input);
        expect(radio.dio1.mode).toBe(Digital.Input);
        expect(radio.tcxoVoltage).toBe(pins.radio.tcxoVoltage ?? null);
        expect(radio.dio2AsRfSwitch).toBe(pins.radio.dio2AsRfSwitch === true);
      } else {
        expect(radio.gdo0.mode).toBe(Digital.Input);
        expect(radio.gdo2.mode).toBe(Digital.Input);
      }
    });
  });

  it("Heltec V3 keeps the documented SX1262 wiring and 1.8 V TCXO", () => {
    const b = readJson("boards/heltec-wifi-lora-32-v3/pins.json") as BoardDescription;
    expect(b.pins).toMatchObject({ radioSelect: 8, sck: 9, mosi: 10, miso: 11, radioReset: 12, radioBusy: 13, radioDio1: 14 });
    expect(b.radio).toMatchObject({ kind: "sx1262", tcxoVoltage: 1.8, dio2AsRfSwitch: true, xtalHz: 32_000_000 });
  });
});

describe("checkBoard", () => {
  const good = (): BoardDescription => readJson("boards/esp32-cc1101/pins.json");

  it("reports a duplicate GPIO", () => {
    const b = good();
    b.pins.led = b.pins.radioGdo0;
    expect(checkBoard(b).join("\n")).toContain(`GPIO ${b.pins.radioGdo0} used twice`);
  });
  it("reports a pin the radio driver needs", () => {
    const b = good();
    delete b.pins.radioGdo2;
    expect(checkBoard(b).join("\n")).toMatch(/"radioGdo2" missing/);
  });
  it("reports flash pins, input-only outputs and pins that do not exist", () => {
    const b = good();
    b.pins.radioSelect = 35;
    b.pins.radioGdo2 = 7;
    b.pins.led = 24;
    const text = checkBoard(b).join("\n");
    expect(text).toMatch(/GPIO 35 is input only/);
    expect(text).toMatch(/GPIO 7 belongs to the flash bus/);
    expect(text).toMatch(/GPIO 24 does not exist/);
  });
  it("reports radio facts out of range", () => {
    const b = readJson("boards/heltec-wifi-lora-32-v3/pins.json") as BoardDescription;
    b.radio.tcxoVoltage = 1.9;
    b.radio.spiHz = 20_000_000;
    expect(checkBoard(b)).toHaveLength(2);
  });
});
