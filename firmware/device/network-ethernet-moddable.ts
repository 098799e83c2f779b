/**
 * The SDK's Ethernet interface as a ./network.ts NetworkDevice (docs/network.md). Device only, and only on
 * boards whose manifest includes `$(MODDABLE)/modules/io/ethernet/manifest.json` (boards/<board>/manifest.json):
 * firmware/main.ts loads this module with import() when pins.json has `ethernet`.
 */
import Ethernet from "embedded:network/interface/ethernet";
import type { NetworkDevice } from "../platform/network.js";

/** SDK connection number from which an attempt is under way (connect() would throw "already connecting"). */
const CONNECTING = 300;

export function ethernetDevice(hostname: string | undefined, changed: () => void): NetworkDevice {
  const eth = new Ethernet({ onChanged: () => changed() });
  if (hostname) eth.configure({ hostname });
  return {
    kind: "ethernet",
    connect: () => {
      if (eth.connection < CONNECTING) eth.connect();
    },
    disconnect: () => eth.disconnect(),
    get connection() {
      return eth.connection;
    },
    get address() {
      return eth.address;
    },
    get MAC() {
      return eth.MAC;
    },
    close: () => eth.close(),
  };
}
