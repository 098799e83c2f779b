/**
 * Every board folder in boards/ (docs/boards.md): pins exist on the chip, no pin twice, flash/PSRAM pins
 * refused, strapping pins used only with a written reason, radio control pins (TCXO, RF switch, FEM enables)
 * where the module needs them, and the Ethernet defines of the manifest taken from pins.json (the SPI host
 * is board data, never hard-coded). platform-manifest.test.ts covers the provider and the radio bundles.
 *
 * MCU facts restated here from the Espressif datasheets (strapping pins; flash pins; PSRAM pins) so that a
 * change of the checker's tables shows up as a failure.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkBoard, type BoardDescription } from "../../firmware/platform/board.js";
import { femLevels, strappingUses } from "../../firmware/platform/board-extras.js";

const ROOT = join(import.meta.dirname, "../..");
const BOARDS = readdirSync(join(ROOT, "boards")).filter((n) => n !== "common" && statSync(join(ROOT, "boards", n)).isDirectory());
const read = (p: string) => JSON.parse(readFileSync(join(ROOT, p), "utf8"));
const board = (name: string): BoardDescription => read(`boards/${name}/pins.json`);

/** Datasheet facts: strapping pins per MCU (ESP32 §2.4, ESP32-S3 §3.3, ESP32-C3 §2.4). */
const STRAPPING = { esp32: [0, 2, 5, 12, 15], esp32s3: [0, 3, 45, 46], esp32c3: [2, 8, 9] };

/** What each new board's module needs, from the sources cited in its pins.json. */
const NEEDS: Record<string, { tcxo?: number | null; dio2?: boolean; fem?: string; ethernet?: string }> = {
  "heltec-wifi-lora-32-v3": { tcxo: 1.8, dio2: true },
  "heltec-wifi-lora-32-v4": { tcxo: 1.8, dio2: true, fem: "GC1109" },
  "lilygo-t3-s3-sx1262": { tcxo: 1.8, dio2: true },
  "lilygo-t-eth-elite-sx1262": { tcxo: 1.8, dio2: true, ethernet: "w5500" },
  "wt32-eth01-cc1101": { ethernet: "lan8720" },
  "waveshare-esp32-s3-eth-cc1101": { ethernet: "w5500" },
  "esp32c3-cc1101": {},
  "esp32-cc1101": {},
};

describe.each(BOARDS)("board %s", (name) => {
  const b = board(name);

  it("passes every check (pins exist, none twice, no flash/PSRAM pin, radio and Ethernet facts)", () => {
    expect(checkBoard(b)).toEqual([]);
  });

  it("has the wired M-Bus UART (pins wiredTx/wiredRx, a UART other than the console) with a written source", () => {
    expect(Number.isInteger(b.pins.wiredTx) && Number.isInteger(b.pins.wiredRx)).toBe(true);
    expect(b.wired?.uart).toBeGreaterThanOrEqual(1);
    expect((b.sources ?? []).join(" ")).toMatch(new RegExp(`TX (GPIO|IO)${b.pins.wiredTx} / RX (GPIO|IO)${b.pins.wiredRx}\\b`));
  });

  it("cites its sources", () => {
    expect(b.sources?.length ?? 0).toBeGreaterThan(0);
  });

  it("uses strapping pins only with a reason written in the file", () => {
    const text = (b.sources ?? []).join(" ");
    for (const use of strappingUses(b)) {
      expect(STRAPPING[b.mcu]).toContain(use.gpio);
      const explained = use.reason !== undefined || new RegExp(`GPIO ?${use.gpio}\\b`).test(text);
      expect(explained, `${use.name} on strapping GPIO ${use.gpio}`).toBe(true);
    }
  });

  it("has the radio control pins its module needs", () => {
    const need = NEEDS[name];
    expect(need, "add the board to NEEDS with what its module needs").toBeDefined();
    if (b.radio.kind === "sx1262") {
      expect(b.radio.tcxoVoltage).toBe(need.tcxo);
      expect(b.radio.dio2AsRfSwitch).toBe(need.dio2);
    }
    expect(b.fem?.chip).toBe(need.fem);
    expect(b.ethernet?.kind).toBe(need.ethernet);
  });

  it("Ethernet manifest defines come from pins.json (host and pins are board data)", () => {
    const m = read(`boards/${name}/manifest.json`);
    const e = b.ethernet;
    if (!e) {
      expect(m.defines?.ethernet).toBeUndefined();
      return;
    }
    expect(m.include).toContain("$(MODDABLE)/modules/io/ethernet/manifest.json");
    expect(m.build.SDKCONFIGPATH).toBe("./sdkconfig");
    const sdk = readFileSync(join(ROOT, `boards/${name}/sdkconfig/sdkconfig.defaults`), "utf8");
    expect(sdk).toMatch(/^CONFIG_ETH_ENABLED=y$/m);
    const d = m.defines.ethernet;
    if (e.kind === "w5500") {
      expect(sdk).toMatch(/^CONFIG_ETH_SPI_ETHERNET_W5500=y$/m);
      const own = e.spiPort !== b.radio.spiPort;
      expect(d).toMatchObject({ w5500: 1, hz: e.spiHz, int_pin: b.pins.ethInt });
      expect(d.spi).toMatchObject({
        port: e.spiPort === 1 ? "SPI2_HOST" : "SPI3_HOST",
        cs_pin: b.pins.ethSelect,
        sck_pin: own ? b.pins.ethSck : b.pins.sck,
        mosi_pin: own ? b.pins.ethMosi : b.pins.mosi,
        miso_pin: own ? b.pins.ethMiso : b.pins.miso,
      });
      expect(d.spi.cs_pin).not.toBe(b.pins.radioSelect);
    } else {
      expect(sdk).toMatch(/^CONFIG_ETH_USE_ESP32_EMAC=y$/m);
      expect(d.internal).toEqual({ phy: { address: e.phyAddress, reset: b.pins.ethPower, GPIO0_clock_input: 1 }, mac: { MDC: b.pins.ethMdc, MDIO: b.pins.ethMdio } });
    }
  });
});

describe("board checks refuse what the chips forbid", () => {
  it("flash pins per MCU: ESP32 GPIO6..11, ESP32-S3 GPIO26..32, ESP32-C3 GPIO12..17", () => {
    const c3 = board("esp32c3-cc1101");
    c3.pins.radioGdo2 = 12;
    expect(checkBoard(c3).join("\n")).toMatch(/GPIO 12 belongs to the flash bus on esp32c3/);
    const s3 = board("lilygo-t3-s3-sx1262");
    s3.pins.led = 30;
    expect(checkBoard(s3).join("\n")).toMatch(/GPIO 30 belongs to the flash bus/);
    const c3b = board("esp32c3-cc1101");
    c3b.pins.led = 22;
    expect(checkBoard(c3b).join("\n")).toMatch(/GPIO 22 does not exist on esp32c3/);
  });

  it("octal PSRAM pins on ESP32-S3 (GPIO33..37) and quad PSRAM on ESP32 (GPIO16/17)", () => {
    const elite = board("lilygo-t-eth-elite-sx1262");
    elite.pins.led = 35;
    expect(checkBoard(elite).join("\n")).toMatch(/GPIO 35 belongs to the octal PSRAM/);
    const t3 = board("lilygo-t3-s3-sx1262"); // quad PSRAM: 33/34 are free and used by the radio
    expect(checkBoard(t3)).toEqual([]);
    const wt = board("wt32-eth01-cc1101");
    wt.psram = "quad";
    expect(checkBoard(wt).join("\n")).toMatch(/GPIO 16 belongs to the quad PSRAM/);
  });

  it("wired M-Bus UART: not the console, UART2 not on the C3, TX not on an input-only pin, both pins or none", () => {
    const c3 = board("esp32c3-cc1101");
    c3.wired = { uart: 2 };
    expect(checkBoard(c3).join("\n")).toMatch(/wired.uart must be 1 on esp32c3/);
    const dev = board("esp32-cc1101");
    dev.wired = { uart: 0 };
    dev.pins.wiredTx = 34;
    const text = checkBoard(dev).join("\n");
    expect(text).toMatch(/wired.uart must be 1 or 2 on esp32/);
    expect(text).toMatch(/"wiredTx": GPIO 34 is input only/);
    delete dev.pins.wiredRx;
    expect(checkBoard(dev).join("\n")).toMatch(/needs both pins/);
  });

  it("ESP32-C3 has one general SPI host", () => {
    const c3 = board("esp32c3-cc1101");
    c3.radio.spiPort = 2;
    expect(checkBoard(c3).join("\n")).toMatch(/radio.spiPort must be 1/);
  });

  it("strapping pins without a reason are listed without one", () => {
    const c3 = board("esp32c3-cc1101");
    delete c3.strappingOk;
    expect(strappingUses(c3).map((u) => [u.name, u.gpio, u.reason])).toEqual([["radioGdo0", 2, undefined], ["led", 8, undefined]]);
    const s3 = board("lilygo-t3-s3-sx1262");
    expect(strappingUses(s3).map((u) => u.gpio)).toEqual([3]); // the BOOT button on GPIO0 is not listed
  });

  it("LAN8720: the RMII pins are fixed, the clock enters on GPIO0, only on the ESP32", () => {
    const wt = board("wt32-eth01-cc1101");
    wt.pins.ethTxd0 = 5;
    wt.ethernet!.clock = "gpio17-out";
    const text = checkBoard(wt).join("\n");
    expect(text).toMatch(/"ethTxd0" must be GPIO 19/);
    expect(text).toMatch(/"ethRefClk" must be GPIO 17/);
    const s3 = board("wt32-eth01-cc1101");
    s3.mcu = "esp32s3";
    expect(checkBoard(s3).join("\n")).toMatch(/lan8720 needs the ESP32's RMII MAC/);
  });

  it("W5500: own chip select and interrupt; a shared host uses the radio's bus pins, a separate host its own", () => {
    const shared = board("waveshare-esp32-s3-eth-cc1101");
    shared.ethernet!.spiPort = shared.radio.spiPort; // same host, but still its own ethSck/…
    expect(checkBoard(shared).join("\n")).toMatch(/shares SPI host 2 with the radio: remove "ethSck"/);
    delete shared.pins.ethSck;
    delete shared.pins.ethMosi;
    delete shared.pins.ethMiso;
    expect(checkBoard(shared)).toEqual([]);
    delete shared.pins.ethSelect;
    expect(checkBoard(shared).join("\n")).toMatch(/"ethSelect" missing/);
    const own = board("lilygo-t-eth-elite-sx1262");
    delete own.pins.ethMiso;
    expect(checkBoard(own).join("\n")).toMatch(/own SPI host 2: pin "ethMiso" missing/);
  });

  it("FEM: every control role of the chip has a pin and a level for receive and transmit", () => {
    const v4 = board("heltec-wifi-lora-32-v4");
    expect(femLevels(v4, "receive")).toEqual([{ pin: 7, level: 1 }, { pin: 2, level: 1 }, { pin: 46, level: 0 }]);
    expect(femLevels(v4, "transmit").find((l) => l.pin === 46)?.level).toBe(1);
    delete (v4.fem!.receive as Record<string, number>).paMode;
    delete v4.fem!.pins.enable;
    const text = checkBoard(v4).join("\n");
    expect(text).toMatch(/receive.paMode must be 0 or 1/);
    expect(text).toMatch(/role "enable" needs a pin/);
  });
});
