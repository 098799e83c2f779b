/*
 * `text/encoder` and `text/decoder` (imported as "moddable:text/encoder" / "moddable:text/decoder").
 * Written by this project. Describes: modules/data/text/encoder/textencoder.js and
 * modules/data/text/decoder/textdecoder.js (manifests in the same folders, both preloaded).
 * Used only by firmware/device/text-globals.ts, which installs them as the globals declared in
 * text-coding.d.ts.
 */
declare module "moddable:text/encoder" {
  const TextEncoderClass: typeof TextEncoder;
  export default TextEncoderClass;
}
declare module "moddable:text/decoder" {
  const TextDecoderClass: typeof TextDecoder;
  export default TextDecoderClass;
}
