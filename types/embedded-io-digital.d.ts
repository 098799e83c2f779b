/*
 * ECMA-419 Digital (one GPIO). Written by this project.
 * Describes: modules/io/digital/digital.js on top of modules/io/digital/digitalbank.js
 * (C: modules/io/digital/esp32/digitalbank.c), manifest modules/io/digital/manifest.json.
 *
 * Interrupts (`onReadable` with `edge`): the IRAM ISR posts a message to the XS task, and the
 * callback runs later on the JavaScript thread. Edges that arrive while one notification is pending
 * are merged. Latency is unbounded while JavaScript is busy, so use an interrupt only as a
 * "frame ready" signal, never for byte timing.
 */
declare module "embedded:io/digital" {
  export type PinSpecifier = number;

  export interface DigitalOptions {
    pin: PinSpecifier;
    /** One of the Digital.Input* / Output* constants. */
    mode: number;
    /** Inverts read and write. */
    activeLow?: boolean;
    /** Level written when an output is created. */
    initialValue?: 0 | 1;
    /** Digital.Rising, Digital.Falling or both ORed; required with `onReadable`. */
    edge?: number;
    /** Called on the JavaScript thread after an edge; `this` is the Digital. */
    onReadable?: (this: Digital, triggered: number) => void;
    format?: "number";
    target?: unknown;
  }

  export default class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly InputPullUpDown: number;
    static readonly Output: number;
    static readonly OutputOpenDrain: number;
    /** 1 */
    static readonly Rising: number;
    /** 2 */
    static readonly Falling: number;

    constructor(options: DigitalOptions);
    /** Current level (inputs only). */
    read(): 0 | 1;
    /** Sets the level (outputs only). */
    write(value: 0 | 1): void;
    close(): void;
    get format(): "number";
    set format(value: "number");
  }
}
