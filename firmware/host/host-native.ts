/**
 * Bindings of the host program's C services (wmbus_host_xs.c), for the real-SDK host build only
 * (platform x-cli-lin). Importing this module anywhere else fails: `native()` is resolved by xsc.
 */
declare function native(name: string): (...args: any[]) => any;

/** The command-line arguments after the program name. */
export const hostArgs = native("xs_wmbus_host_args") as () => string[];
/** A whole text file (UTF-8); throws when it cannot be read. */
export const hostReadText = native("xs_wmbus_host_read_text") as (path: string) => string;
/** Writes a string to standard output as it is (no newline added). */
export const hostWrite = native("xs_wmbus_host_write") as (text: string) => void;
/** Collects garbage, then the XS machine's slots in use (16 bytes each on 64-bit) and chunk bytes in use. */
export const hostMemory = native("xs_wmbus_host_memory") as () => { slots: number; chunks: number; peakSlots: number; peakChunks: number };
