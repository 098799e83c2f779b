/*
 * Minimal TextEncoder / TextDecoder (UTF-8 only), because the firmware compiles against lib ES2022
 * without DOM. Written by this project.
 *
 * Where they come from:
 *   - Node, xsnap and xst: built-in globals.
 *   - Device: the SDK provides them as modules (modules/data/text/encoder/textencoder.js and
 *     modules/data/text/decoder/textdecoder.js, specifiers `text/encoder` and `text/decoder`);
 *     firmware/device/text-globals.ts (preloaded) installs them on globalThis.
 *
 * Only members that behave the same in all three places are declared. The device decoder ignores a
 * `{stream}` option, so it is not declared. (Under the host tsconfig these merge with the
 * declarations from @types/node; skipLibCheck keeps the two var declarations from clashing.)
 */

interface TextEncoder {
  /** UTF-8 bytes of `input` in a new Uint8Array. */
  encode(input?: string): Uint8Array;
}

declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

interface TextDecoder {
  /** Decodes UTF-8 bytes (an ArrayBuffer or a byte view) to a string. */
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}

declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: "utf-8", options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};
