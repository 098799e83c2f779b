/**
 * The SPI buses of a board and the devices on each (docs/boards.md, docs/network.md): the radio and, on
 * Ethernet boards, a W5500 — on one host with their own chip selects, or on two hosts. Everything comes from
 * the board data (`radio.spiPort`, `ethernet.spiPort`, pins); no host is assumed.
 *
 * It also says whether Moddable SDK 8.2.3 can start the plan: its SPI-Ethernet driver initialises its bus
 * itself (`spi_bus_initialize` under ESP_ERROR_CHECK) and `embedded:io/spi` does too, so a host shared by the
 * radio and the W5500 cannot be started by those two drivers (the second one aborts or ends without a device).
 * The gateway reports that instead of starting into an abort.
 */
import type { BoardDescription } from "./board.js";

export interface SpiDevicePlan {
  name: "radio" | "ethernet";
  select: number;
  hz: number;
}

export interface SpiHostPlan {
  /** ESP-IDF host index as in the board data: 1 = SPI2, 2 = SPI3. */
  port: 1 | 2;
  /** "SPI2_HOST" / "SPI3_HOST" (the SDK's Ethernet `defines.ethernet.spi.port`). */
  idfHost: string;
  sck: number;
  mosi: number;
  miso: number;
  devices: SpiDevicePlan[];
}

export interface SpiPlan {
  hosts: SpiHostPlan[];
  /** Why the SDK's drivers cannot start this plan, or empty. */
  sdkProblems: string[];
}

function idfHostName(port: 1 | 2): string {
  return port === 1 ? "SPI2_HOST" : "SPI3_HOST";
}

export function spiPlan(b: BoardDescription): SpiPlan {
  const p = b.pins;
  const radioHost: SpiHostPlan = {
    port: b.radio.spiPort, idfHost: idfHostName(b.radio.spiPort), sck: p.sck, mosi: p.mosi, miso: p.miso,
    devices: [{ name: "radio", select: p.radioSelect, hz: b.radio.spiHz }],
  };
  const hosts = [radioHost];
  const sdkProblems: string[] = [];
  const e = b.ethernet;
  if (e && e.kind === "w5500" && e.spiPort) {
    const dev: SpiDevicePlan = { name: "ethernet", select: p.ethSelect, hz: e.spiHz ?? 20_000_000 };
    if (e.spiPort === b.radio.spiPort) {
      radioHost.devices.push(dev);
      sdkProblems.push(
        `radio and W5500 share ${radioHost.idfHost}: Moddable SDK 8.2.3 initialises that bus in both drivers ` +
          "(the Ethernet one aborts when it exists, embedded:io/spi adds no device when it exists); put the W5500 on the other host or patch the SDK",
      );
    } else {
      hosts.push({ port: e.spiPort, idfHost: idfHostName(e.spiPort), sck: p.ethSck, mosi: p.ethMosi, miso: p.ethMiso, devices: [dev] });
    }
  }
  for (const h of hosts) {
    const selects = h.devices.map((d) => d.select);
    if (new Set(selects).size !== selects.length) sdkProblems.push(`${h.idfHost}: two devices on one chip select`);
  }
  return { hosts, sdkProblems };
}
