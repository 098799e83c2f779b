/*
 * Classic MQTT 3.1.1 client `mqtt` (imported as "moddable:mqtt"). Written by this project.
 * Describes: modules/network/mqtt/mqtt.js (manifest modules/network/mqtt/manifest.json, preloaded).
 *
 * Behaviour: clean session always; `timeout` is the keep-alive in milliseconds (sent as whole
 * seconds; 0 = no keep-alive). Callbacks are plain properties set after construction. publish,
 * subscribe and unsubscribe throw "connection closed" before onReady and after a failure. QoS is
 * the `quality` flag; there is no PUBACK retry. Incoming messages are delivered from a Timer.
 */
declare module "moddable:mqtt" {
  export interface MQTTOptions {
    host: string;
    /** Default 1883 (80 with `path`). */
    port?: number;
    /** Client id; default "". */
    id?: string;
    user?: string | ArrayBuffer;
    password?: string | ArrayBuffer;
    will?: { topic: string; message: string | ArrayBuffer; retain?: boolean; quality?: 0 | 1 | 2 };
    /** Keep-alive in ms (0 = none). */
    timeout?: number;
    /** Use MQTT over WebSocket at this path. */
    path?: string;
  }

  export default class Client {
    constructor(options: MQTTOptions);
    /** CONNACK accepted: publishing is allowed from now on. */
    onReady?: (this: Client) => void;
    /** TCP (or WebSocket) connection established, before CONNACK. */
    onConnected?: (this: Client) => void;
    onMessage?: (this: Client, topic: string, data: ArrayBuffer) => void;
    /** Connection lost, refused or timed out; create a new Client to reconnect. */
    onClose?: (this: Client) => void;
    publish(topic: string, data: string | ArrayBuffer, flags?: { retain?: boolean; quality?: 0 | 1 | 2; duplicate?: boolean }): void;
    subscribe(topic: string): void;
    unsubscribe(topic: string): void;
    close(immediate?: boolean): void;
  }
}
