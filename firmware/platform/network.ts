/**
 * One network interface for the gateway, whatever carries it: Wi-Fi or Ethernet (docs/network.md).
 * Pure: the platform interface is injected as a `NetworkDevice` with the shape both SDK interfaces share
 * (`embedded:network/interface/wifi` and `…/ethernet`: connect, disconnect, `connection`, `address`, `MAC`,
 * and an onChanged notification). Device: ./network-moddable.ts; host tests: a simulated device.
 *
 * States, from the SDK's `connection` number (Moddable SDK 8.2.3, modules/io/ethernet/esp32 and
 * modules/io/wifi: ≤ 200 disconnected, 300 connecting, 400 link / associated, ≥ 500 link with an address):
 *   down → connecting → link → up (has an address) → … → down.
 * Events go to `onChange`: "up" when an address appears, "down" when it is lost (link loss included),
 * "address" when the address changes while up (DHCP renewal to a new lease, static address set).
 * Reconnecting is the caller's policy (gateway/supervisor.ts calls `connect()` with backoff while down);
 * this class counts attempts, drops and address changes for the status page.
 */

export type NetworkKind = "wifi" | "ethernet";
export type NetworkState = "down" | "connecting" | "link" | "up";
export type NetworkEvent = "up" | "down" | "address";

/** The platform interface (Wi-Fi station or Ethernet). */
export interface NetworkDevice {
  readonly kind: NetworkKind;
  /** Starts or retries a connection; harmless when already connected. */
  connect(): void;
  disconnect(): void;
  /** SDK connection number (see the module comment). */
  readonly connection: number;
  /** Dotted IPv4 address, or undefined while there is none. */
  readonly address: string | undefined;
  readonly MAC?: string;
  close(): void;
}

export interface NetworkStatus {
  kind: NetworkKind;
  state: NetworkState;
  /** Current address (the web page's address), or null. */
  address: string | null;
  mac: string | null;
  /** connect() calls. */
  attempts: number;
  /** Times an address was obtained after none. */
  ups: number;
  /** Times the address (or the link) was lost. */
  drops: number;
  /** Address changes while up. */
  addressChanges: number;
  /** Clock ms of the last state change, or null. */
  since: number | null;
}

/** SDK connection number → state. */
export function networkState(connection: number, address: string | undefined): NetworkState {
  if (connection >= 500 && address) return "up";
  if (connection >= 400) return "link";
  if (connection >= 300) return "connecting";
  return "down";
}

export interface NetworkLinkOptions {
  device: NetworkDevice;
  /** Clock for `since` (ms). */
  now: () => number;
  onChange?: (event: NetworkEvent, status: NetworkStatus) => void;
}

export class NetworkLink {
  readonly #device: NetworkDevice;
  readonly #now: () => number;
  readonly #onChange?: (event: NetworkEvent, status: NetworkStatus) => void;
  #state: NetworkState = "down";
  #address: string | undefined;
  readonly #s = { attempts: 0, ups: 0, drops: 0, addressChanges: 0, since: null as number | null };

  constructor(o: NetworkLinkOptions) {
    this.#device = o.device;
    this.#now = o.now;
    this.#onChange = o.onChange;
  }

  get kind(): NetworkKind {
    return this.#device.kind;
  }

  /** True while the interface has an address. */
  get up(): boolean {
    return this.#state === "up";
  }

  /** Starts or retries a connection. Never throws (the SDK's Ethernet throws while an attempt is under way). */
  connect(): void {
    this.#s.attempts++;
    try {
      this.#device.connect();
    } catch {
      // an attempt is already under way, or the interface failed: the state read below says which
    }
    this.changed(); // some platforms answer synchronously
  }

  disconnect(): void {
    try {
      this.#device.disconnect();
    } catch {
      // already down
    }
    this.changed();
  }

  /** The device's onChanged: re-reads connection and address and emits what changed. Never throws. */
  changed(): void {
    let connection = 0;
    let address: string | undefined;
    try {
      connection = this.#device.connection;
      address = this.#device.address || undefined;
    } catch {
      connection = 0; // a closed or failed device reads as down
    }
    const next = networkState(connection, address);
    const was = this.#state;
    const oldAddress = this.#address;
    if (next !== was) {
      this.#state = next;
      this.#s.since = this.#now();
    }
    this.#address = next === "up" ? address : undefined;
    if (next === "up" && was !== "up") {
      this.#s.ups++;
      this.#emit("up");
    } else if (next !== "up" && was === "up") {
      this.#s.drops++;
      this.#emit("down");
    } else if (next === "up" && address !== oldAddress) {
      this.#s.addressChanges++;
      this.#s.since = this.#now();
      this.#emit("address");
    }
  }

  status(): NetworkStatus {
    let mac: string | null = null;
    try {
      mac = this.#device.MAC ?? null;
    } catch {
      mac = null;
    }
    return { kind: this.#device.kind, state: this.#state, address: this.#address ?? null, mac, ...this.#s };
  }

  close(): void {
    this.#device.close();
  }

  #emit(event: NetworkEvent): void {
    if (!this.#onChange) return;
    try {
      this.#onChange(event, this.status());
    } catch {
      // a listener's failure must not break the network state
    }
  }
}
