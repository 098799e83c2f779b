/*
 * ECMA-419 SPI controller. Written by this project.
 * Describes: modules/io/spi/spi.js and modules/io/spi/esp/spi.c (shared by esp32 through
 * modules/io/spi/esp32; bus layer modules/pins/spi/esp32/modSPI.c), manifest modules/io/spi/manifest.json.
 *
 * ESP32 facts that matter to the radio drivers:
 *   - `port` is required: the ESP-IDF host number (1 = SPI2/FSPI/HSPI, 2 = SPI3/VSPI; 0 is the flash bus).
 *     Only the first instance initialises the bus pins, so every SPI device must use the same port.
 *   - Every call is synchronous. Data arguments must be byte buffers (ArrayBuffer, Uint8Array,
 *     Int8Array, Uint8ClampedArray or DataView); a Uint16Array throws "invalid buffer".
 *   - `read`/`transfer` larger than the DMA transaction size (default 1024 bytes,
 *     defines.spi.esp32.transactionsize) fail silently in release builds; `write` is chunked.
 *   - With `select`, chip select goes active on first use and stays active until `flush(true)` or
 *     until another SPI instance is used. Radio drivers usually leave `select` out and drive the
 *     chip-select pin with a Digital output around each command.
 */
declare module "embedded:io/spi" {
  /** A GPIO number (numeric strings are accepted by the C code too, but use numbers). */
  export type PinSpecifier = number;
  /** Byte buffers accepted by the native SPI calls. */
  export type SPIBuffer = ArrayBuffer | Uint8Array | Int8Array | Uint8ClampedArray | DataView;

  export interface SPIOptions {
    clock: PinSpecifier;
    /** MOSI. At least one of `out`/`in` is required. */
    out?: PinSpecifier;
    /** MISO. */
    in?: PinSpecifier;
    /** Chip select driven by the controller (see the note above). */
    select?: PinSpecifier;
    /** Level of an active `select`; defaults to 0 (a warning is printed when omitted). */
    active?: 0 | 1;
    /** Clock in Hz, 1 .. 40 000 000 (RangeError otherwise). */
    hz: number;
    /** SPI mode 0..3 (CPOL/CPHA); default 0. */
    mode?: 0 | 1 | 2 | 3;
    /** ESP-IDF SPI host number; required on ESP32. */
    port: number;
    format?: "buffer";
    target?: unknown;
  }

  export default class SPI {
    constructor(options: SPIOptions);
    /** Reads `byteLength` bytes (clocking out zeros) into a new ArrayBuffer. */
    read(byteLength: number): ArrayBuffer;
    /** Fills `buffer` (clocking out zeros). */
    read(buffer: SPIBuffer): void;
    write(buffer: SPIBuffer): void;
    /** Full duplex, in place: `buffer` is sent and replaced by the bytes received. */
    transfer(buffer: SPIBuffer): void;
    /** Waits for queued writes; with `deselect` true also releases `select`. */
    flush(deselect?: boolean): void;
    close(): void;
    get format(): "buffer";
    set format(value: "buffer");
  }
}
