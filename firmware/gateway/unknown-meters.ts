/**
 * Meters heard that are not configured ("who is around me?"), in one packed byte table so that a gateway in a
 * dense building keeps many of them in a few KB of RAM: 16 bytes per meter (target ≤ 64), no objects per entry.
 * When the table is full the meter heard longest ago is replaced.
 *
 * Slot layout (little endian): 0 M-field (2) · 2 ID bytes as on air (4) · 6 version · 7 device type ·
 * 8 last RSSI (int8 dBm) · 9 PHY mode (T/C/S as char code) · 10 count (u16, saturating) · 12 last seen (u32 s).
 */
import { idString } from "../link/dll.js";
import { manufacturerCode } from "../link/manufacturer.js";
import { mediaText } from "../meters/media.js";
import type { PhyMode } from "../vocabulary.js";

export const UNKNOWN_ENTRY_BYTES = 16;

export interface UnknownMeter {
  id: string;
  manufacturer: string;
  version: number;
  deviceType: number;
  media: string;
  rssiDbm: number;
  mode: PhyMode;
  count: number;
  /** Milliseconds since 1970 (second resolution). */
  lastSeen: number;
}

export class UnknownMeterTable {
  readonly capacity: number;
  readonly #slots: Uint8Array;
  readonly #view: DataView;
  #used = 0;
  /** The address being recorded (M ID V T as in the DLL), reused for every frame. */
  readonly #address = new Uint8Array(8);

  constructor(capacity = 64) {
    this.capacity = capacity;
    this.#slots = new Uint8Array(capacity * UNKNOWN_ENTRY_BYTES);
    this.#view = new DataView(this.#slots.buffer);
  }

  /** Bytes the table occupies (the packed entries). */
  get bytes(): number {
    return this.#slots.length;
  }

  get size(): number {
    return this.#used;
  }

  /**
   * Records a frame from an unconfigured meter; `frame` starts with L C M A (DLL header). `tplAddressAt`: the
   * offset of a TPL long-header address (ID M V T, EN 13757-7 §7.5.2), which names the meter instead of the
   * link address (the gateway's identity binding).
   */
  heard(frame: Uint8Array, rssiDbm: number, mode: PhyMode, nowMs: number, tplAddressAt = -1): void {
    const a = this.#address;
    if (tplAddressAt >= 0 && frame.length >= tplAddressAt + 8) {
      a[0] = frame[tplAddressAt + 4]; a[1] = frame[tplAddressAt + 5]; // M
      for (let i = 0; i < 4; i++) a[2 + i] = frame[tplAddressAt + i]; // ID
      a[6] = frame[tplAddressAt + 6]; a[7] = frame[tplAddressAt + 7]; // V T
    } else if (frame.length >= 10) {
      for (let i = 0; i < 8; i++) a[i] = frame[2 + i];
    } else return;
    const v = this.#view;
    let at = this.#find(a);
    if (at < 0) {
      at = this.#used < this.capacity ? this.#used++ * UNKNOWN_ENTRY_BYTES : this.#oldest();
      this.#slots.set(a, at);
      v.setUint16(at + 10, 0, true);
    }
    v.setInt8(at + 8, Math.max(-128, Math.min(127, Math.round(rssiDbm))));
    v.setUint8(at + 9, mode.charCodeAt(0));
    const n = v.getUint16(at + 10, true);
    if (n < 0xffff) v.setUint16(at + 10, n + 1, true);
    v.setUint32(at + 12, Math.floor(nowMs / 1000) >>> 0, true);
  }

  /** The meters, most recently heard first. */
  list(): UnknownMeter[] {
    const out: UnknownMeter[] = [];
    const v = this.#view;
    for (let at = 0; at < this.#used * UNKNOWN_ENTRY_BYTES; at += UNKNOWN_ENTRY_BYTES) {
      const type = v.getUint8(at + 7);
      out.push({
        id: idString(this.#slots, at + 2),
        manufacturer: manufacturerCode(v.getUint16(at, true)),
        version: v.getUint8(at + 6),
        deviceType: type,
        media: mediaText(type),
        rssiDbm: v.getInt8(at + 8),
        mode: String.fromCharCode(v.getUint8(at + 9)) as PhyMode,
        count: v.getUint16(at + 10, true),
        lastSeen: v.getUint32(at + 12, true) * 1000,
      });
    }
    out.sort((a, b) => b.lastSeen - a.lastSeen);
    return out;
  }

  /** Slot offset of the meter with the same M, ID, version and type, or -1. */
  #find(address: Uint8Array): number {
    const s = this.#slots;
    outer: for (let at = 0; at < this.#used * UNKNOWN_ENTRY_BYTES; at += UNKNOWN_ENTRY_BYTES) {
      for (let i = 0; i < 8; i++) if (s[at + i] !== address[i]) continue outer;
      return at;
    }
    return -1;
  }

  /** Slot offset of the meter heard longest ago. */
  #oldest(): number {
    let best = 0;
    let bestTime = Infinity;
    for (let at = 0; at < this.#used * UNKNOWN_ENTRY_BYTES; at += UNKNOWN_ENTRY_BYTES) {
      const t = this.#view.getUint32(at + 12, true);
      if (t < bestTime) { bestTime = t; best = at; }
    }
    return best;
  }
}
