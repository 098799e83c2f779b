/*
 * `instrumentation` (imported as "moddable:instrumentation"). Written by this project.
 * Describes: modules/base/instrumentation/instrumentation.js (manifest
 * modules/base/instrumentation/manifest.json, included by our manifest.json; examples/manifest_base.json
 * only adds the C part). Values are meaningful in instrumented (-i) and debug (-d) builds.
 */
declare module "moddable:instrumentation" {
  export type InstrumentationName =
    | "System Free Memory"
    | "XS Slot Heap Used"
    | "XS Chunk Heap Used"
    | "XS Keys Used"
    | "XS Stack Used"
    | "XS Garbage Collection Count"
    | "XS Modules Loaded"
    | "XS Promises Settled"
    | "Network Sockets"
    | "Timers"
    | "Turns"
    | "CPU 0"
    | "CPU 1";

  const Instrumentation: {
    /** Index of a named counter, or undefined if this build does not have it. */
    map(name: InstrumentationName): number | undefined;
    get(index: number): number | undefined;
    name(index: number): string | undefined;
  };
  export default Instrumentation;
}
