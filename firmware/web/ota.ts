/**
 * Firmware update over the air: the upload format and a streaming check before anything is written for boot.
 *
 * An update file is our 96-byte header followed by the ESP-IDF application image (the `.bin` mcconfig builds):
 *
 *   [0, 8)    magic "WMBUSIMG"
 *   [8]       header version 1; [9, 12) zero
 *   [12, 16)  image length in bytes, u32 little endian
 *   [16, 48)  board name (mc/config `board`, e.g. "heltec-wifi-lora-32-v3"), ASCII, NUL padded
 *   [48, 64)  firmware version, ASCII, NUL padded
 *   [64, 96)  SHA-256 of the image
 *
 * Checks, in order, each refusing the upload with a message: the magic and version; the board name equals this
 * board's; the image starts like an ESP-IDF app image (first byte 0xE9, ESP_IMAGE_HEADER_MAGIC) and its chip id
 * (u16 at image offset 12, esp_image_header_t.chip_id: 0 ESP32, 2 ESP32-S2, 5 ESP32-C3, 9 ESP32-S3) is this
 * chip's; the length fits the slot; at the end the byte count and the SHA-256 match. Only then is the slot
 * completed (made the boot slot). Image bytes go to the partition as they arrive (the device cannot hold 1.5 MB);
 * a refused or broken upload cancels the slot, so the running firmware and the settings (NVS) are untouched.
 * `node build/host/ota-image.js` (host/ota-image.ts) writes the header. Pure: partition and hash are injected.
 */
import type { HashService, Sha256 } from "./web-crypto.js";

const OTA_HEADER_BYTES = 96;
const OTA_MAGIC = "WMBUSIMG";
export const ESP_IMAGE_MAGIC = 0xe9;
/** Image bytes needed for the magic and chip checks (esp_image_header_t is 24 bytes; chip_id ends at 14). */
const IMAGE_PREFIX = 16;
const PREFIX_BYTES = OTA_HEADER_BYTES + IMAGE_PREFIX;
const ESP_CHIP_IDS: { readonly [chip: string]: number } = Object.freeze({ esp32: 0, esp32s2: 2, esp32c3: 5, esp32s3: 9 });

/** The inactive app slot (device: the SDK's `ota` module; host: a simulated partition). */
export interface PartitionService {
  /** Opens the inactive slot for writing (erases as needed). Throws when there is none. */
  begin(): void;
  write(bytes: Uint8Array): void;
  /** Abandons the slot; the running firmware stays the boot one. */
  cancel(): void;
  /** Finishes the slot and makes it the next boot. */
  complete(): void;
  /** Bytes the slot can hold. */
  readonly capacity: number;
}

export interface OtaTarget {
  board: string;
  /** ESP32 variant name as in ESP_CHIP_IDS ("esp32s3"), or undefined to skip the chip check. */
  chip?: string;
}

export interface OtaHeader {
  imageLength: number;
  board: string;
  version: string;
  sha256: Uint8Array;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Parses the header; a text names what is wrong. */
function parseOtaHeader(b: Uint8Array): OtaHeader | string {
  if (b.length < OTA_HEADER_BYTES) return `update file too short (${b.length} bytes)`;
  if (ascii(b, 0, 8) !== OTA_MAGIC) return "not a gateway update file (no WMBUSIMG header; make one with host/ota-image.ts)";
  if (b[8] !== 1) return `update header version ${b[8]} is not supported`;
  const imageLength = (b[12] | (b[13] << 8) | (b[14] << 16) | (b[15] << 24)) >>> 0;
  return { imageLength, board: ascii(b, 16, 48), version: ascii(b, 48, 64), sha256: b.slice(64, 96) };
}

export type OtaOutcome = { ok: true; version: string; bytes: number } | { ok: false; message: string };

/**
 * One upload: feed the body with write() in any chunk sizes, then end(). After the first error every further
 * write is ignored and end() reports that error.
 */
export class OtaUpload {
  readonly #head = new Uint8Array(PREFIX_BYTES);
  #headFill = 0;
  #header?: OtaHeader;
  #digest?: Sha256;
  #written = 0;
  #error?: string;
  #opened = false;

  constructor(readonly partition: PartitionService, readonly target: OtaTarget, readonly hash: HashService) {}

  #fail(message: string): false {
    this.#error ??= message;
    if (this.#opened) {
      this.#opened = false;
      try {
        this.partition.cancel();
      } catch {
        // cancelling is best effort: the slot is not the boot slot either way
      }
    }
    return false;
  }

  write(chunk: Uint8Array): void {
    if (this.#error) return;
    if (this.#headFill < PREFIX_BYTES) {
      // Header plus the image's first bytes are collected first: they decide whether the slot is opened at all.
      const n = Math.min(PREFIX_BYTES - this.#headFill, chunk.length);
      this.#head.set(chunk.subarray(0, n), this.#headFill);
      this.#headFill += n;
      if (this.#headFill < PREFIX_BYTES) return;
      if (!this.#check()) return;
      this.#image(this.#head.subarray(OTA_HEADER_BYTES));
      chunk = chunk.subarray(n);
    }
    if (chunk.length > 0) this.#image(chunk);
  }

  /** Header, board, image magic and chip; opens the slot. False after a refusal. */
  #check(): boolean {
    const h = parseOtaHeader(this.#head);
    if (typeof h === "string") return this.#fail(h);
    if (h.board !== this.target.board) return this.#fail(`this update is for board "${h.board.slice(0, 32)}", this gateway is "${this.target.board}"`);
    if (h.imageLength < IMAGE_PREFIX || h.imageLength > this.partition.capacity) return this.#fail(`image of ${h.imageLength} bytes does not fit the update slot (${this.partition.capacity} bytes)`);
    const image = this.#head.subarray(OTA_HEADER_BYTES);
    if (image[0] !== ESP_IMAGE_MAGIC) return this.#fail("the image is not an ESP32 application image (first byte is not 0xE9)");
    const want = this.target.chip === undefined ? undefined : ESP_CHIP_IDS[this.target.chip];
    const chipId = image[12] | (image[13] << 8);
    if (want !== undefined && chipId !== want) return this.#fail(`the image is for chip id ${chipId}, this gateway's ${this.target.chip} is ${want}`);
    this.#header = h;
    this.#digest = this.hash.createSha256();
    try {
      this.partition.begin();
      this.#opened = true;
    } catch (e) {
      return this.#fail(`cannot open the update slot: ${e instanceof Error ? e.message : String(e)}`);
    }
    return true;
  }

  #image(bytes: Uint8Array): void {
    if (this.#error) return;
    if (this.#written + bytes.length > this.#header!.imageLength) return void this.#fail(`more bytes than the header's image length ${this.#header!.imageLength}`);
    try {
      this.partition.write(bytes);
    } catch (e) {
      return void this.#fail(`writing the update slot failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.#digest!.update(bytes);
    this.#written += bytes.length;
  }

  /** Finishes the upload: completes the slot when everything checked out, else cancels it. */
  end(): OtaOutcome {
    if (!this.#error) {
      const h = this.#header;
      if (!h) this.#fail(`update file too short (${this.#headFill} bytes)`);
      else if (this.#written !== h.imageLength) this.#fail(`image incomplete: ${this.#written} of ${h.imageLength} bytes`);
      else {
        const d = this.#digest!.digest();
        let same = d.length === h.sha256.length;
        for (let i = 0; i < d.length; i++) same &&= d[i] === h.sha256[i];
        if (!same) this.#fail("image checksum (SHA-256) does not match the header");
        else {
          try {
            this.partition.complete();
            this.#opened = false;
            return { ok: true, version: h.version, bytes: this.#written };
          } catch (e) {
            this.#fail(`finishing the update slot failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    }
    return { ok: false, message: this.#error! };
  }

  /** The connection broke: cancel. */
  abort(): void {
    this.#fail("upload aborted");
  }
}

/** Builds an update file (host tool and tests; the device never builds one). */
export function buildOtaFile(hash: HashService, image: Uint8Array, board: string, version: string): Uint8Array {
  const out = new Uint8Array(OTA_HEADER_BYTES + image.length);
  for (let i = 0; i < 8; i++) out[i] = OTA_MAGIC.charCodeAt(i);
  out[8] = 1;
  const n = image.length;
  out[12] = n & 0xff;
  out[13] = (n >>> 8) & 0xff;
  out[14] = (n >>> 16) & 0xff;
  out[15] = (n >>> 24) & 0xff;
  for (let i = 0; i < Math.min(32, board.length); i++) out[16 + i] = board.charCodeAt(i) & 0x7f;
  for (let i = 0; i < Math.min(16, version.length); i++) out[48 + i] = version.charCodeAt(i) & 0x7f;
  const d = hash.createSha256();
  d.update(image);
  out.set(d.digest(), 64);
  out.set(image, OTA_HEADER_BYTES);
  return out;
}
