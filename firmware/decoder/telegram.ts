/**
 * Moved to firmware/telegram.ts (issue 13: shared types below the layers that use them). This re-export keeps
 * branches written against the old path compiling until they are merged; import from "../telegram.js".
 */
export type { DecodeResult, FrameKind, PayloadState, Telegram } from "../telegram.js";
