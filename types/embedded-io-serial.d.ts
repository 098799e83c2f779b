/*
 * ECMA-419 Serial (one UART). Written by this project.
 * Describes: modules/io/serial/esp32/serial.js + serial.c of the Moddable SDK 8.2.3 (manifest
 * modules/io/manifests/esp32/manifest.json). Facts taken from serial.c:
 *   - the UART is configured 8 data bits, NO parity, 1 stop bit, no flow control: parity cannot be chosen
 *     from JavaScript (wired M-Bus needs 8E1: firmware/native/wmbus_uart_parity.c sets it afterwards);
 *   - read() reads straight from the 128-byte hardware RX FIFO: with format "buffer" it returns an ArrayBuffer
 *     of every byte available, or undefined when there is none; onReadable fires on FIFO-full or RX timeout;
 *   - write() throws "output full" when the bytes do not fit the free TX FIFO space (128 bytes when idle).
 */
declare module "embedded:io/serial" {
  export interface SerialOptions {
    transmit?: number;
    receive?: number;
    /** UART number (ESP32: 0..2). */
    port?: number;
    baud: number;
    format?: "buffer" | "number";
    /** `count`: bytes available in the RX FIFO. */
    onReadable?: (this: Serial, count: number) => void;
    onWritable?: (this: Serial, count: number) => void;
    target?: unknown;
  }

  export default class Serial {
    constructor(options: SerialOptions);
    read(): ArrayBuffer | undefined;
    read(count: number): ArrayBuffer | undefined;
    write(data: ArrayBufferView | ArrayBuffer): void;
    close(): void;
    get format(): "buffer" | "number";
    set format(value: "buffer" | "number");
  }
}
