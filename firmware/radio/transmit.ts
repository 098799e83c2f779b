/**
 * The one transmit interface (docs/bidirectional.md, docs/repeater.md): the command scheduler
 * (gateway/commands.ts) sends downlinks in a meter's response window through it, the repeater
 * (repeater/repeater.ts) re-sends frames through it. The CC1101 and SX1262 drivers implement it
 * (cc1101/cc1101-transmit.ts, sx1262/sx1262-transmit.ts); on the host the simulated transceivers of
 * host-tests/rigs do too.
 *
 * Timing: `startAt` is in the radio timers' milliseconds (the clock of RadioFrame.receivedAt). The driver
 * prepares everything it can (chip stream, FIFO/buffer contents) before that time and starts the
 * transmission as close to it as it can; the result says when the preamble really started, so the caller can
 * tell whether a response window was met. On the device the T2 window (2–3 ms after the meter's frame) needs
 * the native "send at" path (firmware/native/wmbus_tx.c): JavaScript timers cannot hit it.
 */
import type { LinkModeName } from "../phy/modes.js";
import type { FrameFormat } from "../vocabulary.js";

export interface TransmitRequest {
  /** Frame as sent: L first, DLL CRCs of `format` included (firmware/encoder). */
  bytes: Uint8Array;
  format: FrameFormat;
  /** Link mode: T1/C1/S1 (repeater), T2-down/C2-down/S2 (downlinks). */
  mode: LinkModeName;
  /** Start of the preamble, radio timers' ms; absent = as soon as possible. */
  startAt?: number;
}

export type TransmitResult =
  /** `startedAt`: first preamble chip (later than asked when the radio was not ready); `endedAt`: last chip. */
  | { ok: true; startedAt: number; endedAt: number }
  /** Nothing (or not all) was sent: busy, closed, frame too long for the chip, chip not answering. */
  | { ok: false; reason: string };

export interface Transmitter {
  /** Sends once; resolves when the last chip has left (or the send failed). Never rejects. */
  transmit(req: TransmitRequest): Promise<TransmitResult>;
}

/** The uplink link mode a meter's frame heard in `phy` mode is sent again in (repeater): T1, C1, S1. */
export function uplinkMode(phy: "T" | "C" | "S"): LinkModeName {
  return phy === "T" ? "T1" : phy === "C" ? "C1" : "S1";
}

/**
 * When to start the radio (CC1101 STX, SX1262 SetTx) so its first chip is on air at `startAt`: `lead` before
 * it, but never before `now + ready` (the synthesizer or TCXO is not ready sooner). Units as given (ms or µs).
 * Native twin: wmbus_tx_strobe_at (firmware/native/wmbus_tx.c).
 */
export function strobeAt(now: number, startAt: number, ready: number, lead: number): number {
  return Math.max(now + ready, startAt - lead);
}

/** Whether a transmission that started at `started` began inside [open, close] after `frameEnd`. Twin: wmbus_tx_in_window. */
export function inWindow(frameEnd: number, started: number, open: number, close: number): boolean {
  const d = started - frameEnd;
  return d >= open && d <= close;
}

/** A downlink prepared in advance for one meter: its link address (M + A, frame bytes 2..9) and its window. */
export interface PendingDownlink {
  address: Uint8Array;
  open: number;
  close: number;
  margin: number;
}

/**
 * The start time for `pending` after a frame (L first) that ended at `frameEnd`: end + open + margin when the
 * frame comes from that meter, else -1. Twin: wmbus_tx_due.
 */
export function downlinkDue(pending: PendingDownlink, frame: Uint8Array, frameEnd: number): number {
  if (frame.length < 10) return -1;
  for (let i = 0; i < 8; i++) if (frame[2 + i] !== pending.address[i]) return -1;
  return frameEnd + pending.open + pending.margin;
}

/**
 * A transmission prepared in advance as SPI transactions (the native "send at", docs/bidirectional.md): `load`
 * puts the chip into the state just before the start (registers, FIFO/buffer, synthesizer running), `go`
 * starts it; the first chip follows `leadUs` after `go`, which may be sent no sooner than `readyUs` after the
 * load. The drivers run the same transactions on their own path, so the native replay is what the chip models
 * have checked.
 */
export interface TxJob {
  load: Uint8Array[];
  go: Uint8Array;
  leadUs: number;
  readyUs: number;
  /** FIFO bytes the load could not hold (CC1101 above 64 bytes): the sender refills them after `go`. */
  rest: Uint8Array;
  /** Time on air from the first chip, µs, at the chip's programmed rate. */
  airtimeUs: number;
}

/** The job as one buffer for the native side: each transaction as [length][bytes] (wmbus_radio_task_tx_arm). */
export function serializeJob(job: TxJob): Uint8Array {
  let n = 0;
  for (const t of job.load) n += 1 + t.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const t of job.load) {
    if (t.length > 255) throw new RangeError("a transaction longer than 255 bytes");
    out[at++] = t.length;
    out.set(t, at);
    at += t.length;
  }
  return out;
}

/** The transmit counters of a driver's stats, counted by TransmitGate. */
export interface TransmitCounts {
  transmissions: number;
  txFailures: number;
}

/**
 * What a driver's transmit (CC1101, SX1262) has in common: one transmission at a time, each counted as sent or
 * failed. `start` refuses a send while one runs (the running one stays busy), and otherwise hands `send` to
 * `defer`: a timer turn right after the caller returns, so that a downlink started from `onFrame` does not cut
 * into the receive path still running. The send calls `end` when it is over (before it restores reception) and
 * then resolves through `done`; a throw fails it. The promise never rejects.
 */
export class TransmitGate {
  readonly #chip: string;
  readonly #counts: TransmitCounts;
  readonly #defer: (run: () => void) => void;
  #busy = false;

  constructor(chip: string, counts: TransmitCounts, defer: (run: () => void) => void) {
    this.#chip = chip;
    this.#counts = counts;
    this.#defer = defer;
  }

  /** A transmission is under way. */
  get busy(): boolean {
    return this.#busy;
  }

  start(send: (done: (r: TransmitResult) => void) => void): Promise<TransmitResult> {
    return new Promise((resolve) => {
      if (this.#busy) {
        this.#counts.txFailures++;
        return resolve({ ok: false, reason: `${this.#chip}: busy with another transmission` });
      }
      this.#busy = true;
      this.#defer(() => {
        try {
          send(resolve);
        } catch (e) {
          resolve(this.end({ ok: false, reason: e instanceof Error ? e.message : String(e) }));
        }
      });
    });
  }

  /** The running transmission is over: free for the next, counted as sent or failed. Returns `r`. */
  end(r: TransmitResult): TransmitResult {
    this.#busy = false;
    if (r.ok) this.#counts.transmissions++;
    else this.#counts.txFailures++;
    return r;
  }
}

/** A Transmitter for a radio that cannot send: every request is refused with `reason`. */
export function noTransmitter(reason: string): Transmitter {
  return {
    transmit: () => Promise.resolve({ ok: false, reason }),
  };
}
