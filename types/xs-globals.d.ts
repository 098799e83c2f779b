/*
 * XS engine and Moddable runtime globals used by device code. Written by this project.
 *
 * Sources described:
 *   - `trace`: xs/sources/xsGlobal.c / the host console (prints to xsbug or the serial log in debug
 *     builds; silent in release builds; no newline is added).
 *   - `Native` / `native`: "XS in C.md" §Native (xs/sources/xsSyntaxical.c); recognised by xsc only
 *     with a single string-literal argument, and only when compiling with `-c` (mcconfig does).
 *   - `device`, `System`: modules/io/system/system.js (preloaded by modules/io/manifest.json) sets
 *     `globalThis.device` to the deep-frozen default export of `embedded:provider/builtin`, and
 *     `globalThis.System`.
 *
 * None of these exist under Node; host code must not use them (core modules take injected services
 * instead, see firmware/platform/services.ts).
 */

/** Writes its arguments, converted to strings, to the debug console. Add "\n" yourself. */
declare function trace(...items: unknown[]): void;

/**
 * Base class for a JavaScript class backed by C host data. `name` is the C destructor
 * (`void name(void *data)`). Use as `class Foo extends Native("xs_foo_destructor") { ... }`.
 */
declare function Native(name: string): new () => object;

/**
 * The C function `void name(xsMachine *the)`. Call it as `native("xs_foo_read").call(this, a, b)`;
 * a method whose body is only that call compiles to the same bytecode as the `@` syntax.
 */
declare function native(name: string): (...args: unknown[]) => unknown;

/** The board's ECMA-419 host provider (deep-frozen). Copy a bundle before adding options to it. */
declare var device: typeof import("embedded:provider/builtin").default;

/** The subset of the ECMA-419 System object the gateway uses (modules/io/system/system.js). */
declare var System: {
  /** Reboots the microcontroller (esp_restart). */
  restart(): never;
};
