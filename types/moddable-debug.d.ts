/*
 * `debug` (imported as "moddable:debug"). Written by this project.
 * Describes: modules/base/debug/debug.js and modDebug.c (manifest modules/base/debug/manifest.json,
 * included by our manifest.json, preloaded).
 */
declare module "moddable:debug" {
  const Debug: {
    /** Forces a garbage collection (no argument), or enables/disables collection. */
    gc(enable?: boolean): void;
  };
  export default Debug;
}
