/**
 * A bidirectional meter's receiver on the air model: it listens only in its response window after its own
 * frame (docs/bidirectional.md), on the downlink channel of its mode, and takes a gateway's frame only if the
 * preamble started inside the window. Written from the standard's facts (air-encoder.ts tables; EN 13757-4
 * downlinks as in docs/protocol.md §1.1), independently of the firmware:
 *
 *   T2 downlink and S2: 868.30 MHz, 32.768 kchip/s, Manchester (`01` = 1, `10` = 0), sync 0x7696 (the last 16
 *     of the 18 S sync chips), nominal ±50 kHz;
 *   C2 downlink: 869.525 MHz, 50 kchip/s NRZ, sync 0x543D then 0x54CD (frame A) / 0x543D (frame B), ±25 kHz.
 *
 * Demodulator: it hears a carrier within ±(bandwidth/2 − deviation), a chip rate within 2 % and a deviation
 * between half and twice the nominal (outside: every chip a coin toss). Bytes are decoded as they arrive; the
 * frame ends at the length its L-field gives (frame A with its block CRCs, B = L + 1).
 */
import type { Air, AirLink, AirReceiver, AirSignal, RxTuning } from "./air.js";

export type DownlinkMode = "T2-down" | "S2" | "C2-down";

const CHANNEL: Readonly<Record<DownlinkMode, { hz: number; rate: number; dev: number; bw: number; sync: number }>> = Object.freeze({
  "T2-down": { hz: 868_300_000, rate: 32_768, dev: 50_000, bw: 200_000, sync: 0x7696 },
  S2: { hz: 868_300_000, rate: 32_768, dev: 50_000, bw: 200_000, sync: 0x7696 },
  "C2-down": { hz: 869_525_000, rate: 50_000, dev: 25_000, bw: 150_000, sync: 0x543d },
});

export interface DownlinkHeard {
  mode: DownlinkMode;
  /** The frame (L first, with its DLL CRCs). */
  bytes: Uint8Array;
  format: "A" | "B";
  /** Preamble start and end of the signal, µs. */
  start: number;
  end: number;
}

/** Frame bytes from L (EN 13757-4 frame A: L + 1 + 2 per block; B: L + 1). */
function frameLength(l: number, format: "A" | "B"): number {
  return format === "B" ? l + 1 : l + 1 + 2 * (1 + Math.ceil(Math.max(0, l - 9) / 16));
}

export class DownlinkReceiver implements AirReceiver {
  readonly link: AirLink;
  /** Signals offered outside the window or undecodable, with why (the tests' evidence of a missed window). */
  readonly missed: { at: number; why: string }[] = [];
  #window: { mode: DownlinkMode; from: number; to: number } | null = null;
  #signal: AirSignal | null = null;
  #raw: number[] = [];
  #bytes: number[] = [];
  #format: "A" | "B" = "A";
  #need = -1;

  constructor(private readonly air: Air, private readonly onFrame: (heard: DownlinkHeard) => void) {
    this.link = air.attach(this);
  }

  /** Opens the receiver for a downlink whose preamble starts in [fromUs, toUs]. */
  open(mode: DownlinkMode, fromUs: number, toUs: number): void {
    this.#window = { mode, from: fromUs, to: toUs };
    this.air.scheduler.at(fromUs, () => {
      if (this.#window?.from === fromUs) this.link.listen();
    }, "chip");
    // closed again when no frame started: the longest downlink's sync word has long arrived by then
    this.air.scheduler.at(toUs + 50_000, () => {
      if (this.#window?.from === fromUs && !this.#signal) this.#window = null;
    }, "chip");
  }

  get listening(): boolean {
    return this.#window !== null;
  }

  tuning(): RxTuning | null {
    const w = this.#window;
    if (!w || this.air.scheduler.now < w.from) return null;
    const ch = CHANNEL[w.mode];
    return {
      frequencyHz: ch.hz, bandwidthHz: ch.bw, chipRate: ch.rate, rateTolerance: 0.02, syncWord: ch.sync, syncBits: 16, syncErrors: 0,
      chipErrorRate: (s) => (s.deviationHz >= ch.dev / 2 && s.deviationHz <= ch.dev * 2 ? 0 : 0.5),
    };
  }

  onSync(s: AirSignal): boolean {
    const w = this.#window;
    if (!w || this.#signal) return false;
    if (s.start < w.from || s.start > w.to) {
      this.missed.push({ at: s.start, why: `preamble at ${s.start.toFixed(0)} µs, window ${w.from.toFixed(0)}–${w.to.toFixed(0)} µs` });
      return false;
    }
    this.#signal = s;
    this.#raw = [];
    this.#bytes = [];
    this.#need = -1;
    return true;
  }

  onByte(b: number): void {
    const w = this.#window!;
    this.#raw.push(b);
    if (w.mode === "C2-down") {
      if (this.#raw.length === 2) {
        const word = (this.#raw[0] << 8) | this.#raw[1];
        if (word !== 0x54cd && word !== 0x543d) return this.#abort("C format word " + word.toString(16));
        this.#format = word === 0x54cd ? "A" : "B";
      }
      if (this.#raw.length > 2) this.#bytes.push(b);
    } else {
      if (this.#raw.length % 2 !== 0) return;
      const chips = (this.#raw[this.#raw.length - 2] << 8) | b;
      let v = 0;
      for (let i = 7; i >= 0; i--) {
        const pair = (chips >> (2 * i)) & 3;
        if (pair === 0b01) v = (v << 1) | 1;
        else if (pair === 0b10) v = v << 1;
        else return this.#abort("Manchester violation");
      }
      this.#format = "A";
      this.#bytes.push(v);
    }
    if (this.#bytes.length === 1) this.#need = frameLength(this.#bytes[0], this.#format);
    if (this.#need > 0 && this.#bytes.length === this.#need) {
      const s = this.#signal!;
      this.#end();
      this.onFrame({ mode: w.mode, bytes: Uint8Array.from(this.#bytes), format: this.#format, start: s.start, end: s.end });
    }
  }

  onCarrierLost(): void {
    if (this.#need < 0 || this.#bytes.length < this.#need) this.#abort("carrier lost mid-frame");
  }

  #abort(why: string): void {
    this.missed.push({ at: this.air.scheduler.now, why });
    this.#end();
  }

  #end(): void {
    this.link.release();
    this.#signal = null;
    this.#window = null;
  }
}
