/**
 * A simulated network interface with the SDK's behaviour (types/embedded-network-ethernet.d.ts,
 * embedded-network-wifi.d.ts): `connection` 200/300/400/500, `address`, onChanged("connection" | "address")
 * called after each change, and connect() throwing while an attempt is under way (the SDK's Ethernet does).
 * The test drives the "world": cable in/out, DHCP lease, lease change.
 */
import type { NetworkDevice, NetworkKind } from "../../firmware/platform/network.js";

export class SimNetworkDevice implements NetworkDevice {
  connection = 200;
  address: string | undefined;
  readonly MAC = "02:00:00:00:00:01";
  connects = 0;
  closed = false;
  #onChanged: (property: string) => void = () => undefined;
  #cable = true;

  constructor(readonly kind: NetworkKind = "ethernet") {}

  /** What the platform calls on each change (the NetworkLink's changed()). */
  onChanged(f: (property: string) => void): this {
    this.#onChanged = f;
    return this;
  }

  connect(): void {
    if (this.connection === 300) throw new Error("already connecting");
    this.connects++;
    if (this.connection < 300) this.#set(this.#cable ? 300 : 200);
  }

  disconnect(): void {
    this.address = undefined;
    this.#set(200);
  }

  close(): void {
    this.closed = true;
  }

  /** Cable plugged in (or Wi-Fi associated): link without address. */
  linkUp(): void {
    this.#cable = true;
    this.#set(400);
  }

  /** DHCP answered (first lease or a new one). */
  lease(address: string): void {
    this.address = address;
    this.#set(500, "address");
  }

  /** Cable pulled / AP lost: link and address gone. */
  linkDown(): void {
    this.#cable = false;
    this.address = undefined;
    this.#set(200);
  }

  #set(connection: number, property = "connection"): void {
    this.connection = connection;
    this.#onChanged(property);
  }
}
