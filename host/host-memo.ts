/**
 * Memo sizes of the application layer on a computer (the CLI, `npm start`, the Node bench). A host gateway
 * or a batch decode hears hundreds of meter models (the corpus alone sends about 300 frame formats), and
 * memory is no concern there; the device keeps 32 record shapes and 128 frame formats (firmware/main.ts).
 */
import type { MemoSizes } from "../firmware/application/format-cache.js";

export const HOST_MEMO: Readonly<MemoSizes> = Object.freeze({ shapes: 1024, frames: 1024 });
