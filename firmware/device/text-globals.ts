/**
 * Installs TextEncoder and TextDecoder as globals on the device, where the Moddable SDK provides
 * them only as the modules `text/encoder` and `text/decoder` (modules/data/text/*). Node, xsnap and
 * xst already have the globals, so nothing is replaced there. Preloaded (manifest.json), like the
 * SDK's own modules/io/system/system.js, which installs `device` the same way; import it first in
 * the main module so the globals also exist when preloading is off.
 */
import Encoder from "moddable:text/encoder";
import Decoder from "moddable:text/decoder";

const g = globalThis as unknown as Record<string, unknown>;
if (!("TextEncoder" in g)) g.TextEncoder = Encoder;
if (!("TextDecoder" in g)) g.TextDecoder = Decoder;

export {};
