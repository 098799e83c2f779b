/**
 * Channel-load experiment: a population of meters sends corpus telegrams (T1 and C1 frame A/B) on the
 * 868.95 MHz channel at a given occupancy; one gateway radio (CC1101 or SX1262 through createSimRadio, its real
 * driver on the chip model) receives them; the driver's interrupt path hands intact frames to the RadioService
 * (firmware/radio/radio-service.ts: FrameQueue + decode turns), whose turns on the simulated JS thread
 * (load-thread.ts) decode one frame each, costing its XS computrons × `usPerComputron`.
 *
 * Every transmission ends up in exactly one bucket:
 *   - decoded     : reached the decoder (whether the decoder accepts its content or not);
 *   - lostOnAir   : not decoded and it overlapped another transmission (the air model's collision flag), or
 *                   its sync word came while the receiver was still held by a collided frame (a collision that
 *                   hit the L-field makes the chip wait for a long frame of noise: `missedBehindCollision`);
 *   - lostByGateway: not decoded although nothing else was on air: FIFO overflow, queue overflow, a frame
 *                   missed while the receiver was re-arming or busy, anything the air did not cause.
 * Decoded frames are matched to transmissions by content and time (the latest unmatched transmission of the
 * same bytes that had started by the time the radio read the frame's last byte).
 *
 * Traffic: "poisson" = meters transmit independently (exponential gaps; offered load G = occupancy, so at
 * G = 1 most frames collide, as on a real busy channel); "back-to-back" = one transmission after the other,
 * no overlap, gaps scaled so the air is busy `load` of the time (100 % = no gap at all: the worst case for
 * the receiver, every frame must be caught right after the previous one).
 */
import { decodeTelegram } from "../../firmware/decoder/decode.js";
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import { encodeOnAir } from "../../firmware/phy/on-air.js";
import { RadioService } from "../../firmware/radio/radio-service.js";
import { toHex } from "../../firmware/util/hex.js";
import { Air, CHIP_RATE, type AirReceiver, type AirSignal } from "../sim/air.js";
import { wirelessCorpusFrames, type CodedFrame } from "../sim/corpus-frames.js";
import { ThreadedScheduler, type JsThreadStats, type RadioServiceKind } from "../sim/load-thread.js";
import { Prng } from "../sim/prng.js";
import { createSimRadio, type SimChipKind } from "./sim-radio.js";

/**
 * µs per XS computron on an ESP32 at 240 MHz: 0.25 µs (60 CPU cycles). Estimate, see docs/performance.md
 * "Channel load": xsnap on the host runs ≈ 4.8 ns per computron (measured once: 164 M computrons of a typed
 * array loop in 0.78 s of CPU); an Xtensa LX6 at 240 MHz does roughly 1/12 of a modern x86 core's
 * interpreter work per ns (≈ 3–4× fewer instructions per cycle, 12–15× lower clock, bytecode and XS code
 * through the 32 KB flash cache), i.e. ≈ 0.2–0.3 µs. The bench also reports the run at 2× this figure.
 */
export const US_PER_COMPUTRON = 0.25;

/** Decode + reading cost per telegram when no per-telegram figure is given: the corpus median of the XS bench
 * (FULL PIPELINE, docs/performance.md, 30 925 computrons), rounded up. */
export const DEFAULT_DECODE_COMPUTRONS = 31_000;

/** Pin edge → handler latency: ISR → XS message queue → JS (idle thread), resp. ISR → task notify → radio task. */
export const SERVICE_LATENCY_US: Readonly<Record<RadioServiceKind, number>> = Object.freeze({ js: 100, native: 20 });

export type Traffic = "poisson" | "back-to-back";

export interface LoadOptions {
  chip: SimChipKind;
  service: RadioServiceKind;
  /** Channel occupancy: airtime of all transmissions / time, e.g. 0.25, 0.5, 1. */
  load: number;
  traffic?: Traffic;
  /** Simulated time during which meters transmit. */
  durationMs: number;
  seed?: number;
  usPerComputron?: number;
  /** XS computrons of decode + reading for one frame (default DEFAULT_DECODE_COMPUTRONS). */
  computrons?: (frame: CodedFrame) => number;
  queueSlots?: number;
  /**
   * CC1101 only: Cc1101Options `calibrateEveryMs` (0 = calibrate on every IDLE→RX). Undefined = the driver
   * default (manual calibration from the watchdog, DEFAULT_CALIBRATE_EVERY_MS).
   */
  cc1101CalibrateEveryMs?: number;
  /** Frames the meters pick from (default: every corpus telegram as T1, C1-A and C1-B). */
  frames?: readonly CodedFrame[];
}

export interface LoadResult {
  chip: SimChipKind;
  service: RadioServiceKind;
  traffic: Traffic;
  load: number;
  /** Measured occupancy: summed airtime / transmit window. */
  occupancy: number;
  sent: number;
  /** Transmissions that overlapped another one (air model). */
  collided: number;
  lostOnAir: number;
  /** Of `lostOnAir`: clean frames missed while the receiver was held by a collided one. */
  missedBehindCollision: number;
  /** Intact frames the driver handed over (`RadioStats.framesDelivered`). */
  deliveredByRadio: number;
  decoded: number;
  /** Of `decoded`: frames the decoder rejected (content, not reception: e.g. unknown CI). */
  decodeErrors: number;
  lostByGateway: number;
  /**
   * Gateway losses by what the receiver did with the frame's sync word: `notInRx` offered but declined (chip not
   * in RX: re-arming, calibrating), `held` never offered because the receiver still held an earlier clean frame
   * (or its noise tail), `dropped` locked onto but never decoded (FIFO overflow, abort, queue overflow).
   */
  gatewayLosses: { notInRx: number; held: number; dropped: number };
  fifoOverflows: number;
  queueOverflows: number;
  queueHighWater: number;
  /** Damaged frames the radio rejected (CRC/length/coding/sync): caused by the air when collided. */
  radioRejects: number;
  thread: JsThreadStats;
}

const DEFAULT_VARIANTS = new Set(["T1", "C1-A", "C1-B"]);

function airtimeUs(f: CodedFrame): number {
  return encodeOnAir(f.mode, f.format, f.frame).chipCount * (1e6 / CHIP_RATE[f.mode]);
}

let corpusCache: { frames: CodedFrame[]; airtime: number[] } | null = null;

function population(frames: readonly CodedFrame[] | undefined): { frames: readonly CodedFrame[]; airtime: number[] } {
  if (!frames) {
    corpusCache ??= (() => {
      const f = wirelessCorpusFrames().frames.filter((x) => DEFAULT_VARIANTS.has(x.variant));
      return { frames: f, airtime: f.map(airtimeUs) };
    })();
    return corpusCache;
  }
  return { frames, airtime: frames.map(airtimeUs) };
}

export function runLoad(o: LoadOptions): LoadResult {
  if (!(o.load > 0 && o.load <= 1)) throw new RangeError(`runLoad: load ${String(o.load)} must be in (0, 1]`);
  if (!(o.durationMs > 0)) throw new RangeError(`runLoad: durationMs ${String(o.durationMs)} must be > 0`);
  const traffic = o.traffic ?? "poisson";
  const usPerComputron = o.usPerComputron ?? US_PER_COMPUTRON;
  const cost = o.computrons ?? (() => DEFAULT_DECODE_COMPUTRONS);
  const { frames, airtime } = population(o.frames);
  if (frames.length === 0) throw new RangeError("runLoad: no frames to send");
  const meanAirtime = airtime.reduce((a, b) => a + b, 0) / airtime.length;

  const scheduler = new ThreadedScheduler();
  scheduler.service = o.service;
  const prng = new Prng(o.seed ?? 1);
  const air = new Air(scheduler, { seed: (o.seed ?? 1) + 1 });
  const frameByKey = new Map<string, CodedFrame>();
  for (const f of frames) frameByKey.set(toHex(f.frame), f);

  // decode turns on the simulated JS thread, each costing its computrons; the next turn is posted at the end
  // of the current one, so interrupts that arrived meanwhile run first
  const decoded: { key: string; at: number }[] = [];
  let decodeErrors = 0, turnCost = 0, inTurn = false;
  const service = new RadioService({
    slots: o.queueSlots,
    ticks: (f) => Math.round(f.receivedAt * 1000), // µs of simulated time
    decode: (f) => {
      // A frame the radio checked arrives without its CRCs (carried forward); the key is the frame as sent.
      const sent = f.crcChecked ? (f.format === "B" ? addFrameBCrc(f.bytes) : addFrameACrc(f.bytes)) : f.bytes;
      const k = toHex(sent);
      if (!decodeTelegram(f.bytes, f.crcChecked ? { checked: f.format } : {}).ok) decodeErrors++;
      decoded.push({ key: k, at: f.time });
      const coded = frameByKey.get(k);
      turnCost = (coded ? cost(coded) : DEFAULT_DECODE_COMPUTRONS) * usPerComputron;
    },
    post: (turn) => {
      const job = (): number => {
        inTurn = true;
        turnCost = 0;
        turn();
        inTurn = false;
        return turnCost;
      };
      scheduler.post(job, inTurn ? scheduler.now + turnCost : scheduler.now);
    },
  });
  const queue = service.queue;
  const onFrame = service.frameSink;
  const syncs = watchSyncs(air);
  const sim = createSimRadio({
    chip: o.chip,
    air,
    scheduler,
    listen: null,
    onFrame,
    latencyUs: SERVICE_LATENCY_US[o.service],
    seed: o.seed,
    cc1101CalibrateEveryMs: o.cc1101CalibrateEveryMs,
  });
  const radio = sim.radio;
  scheduler.spiBytes = () => sim.board.stats.spiBytes;
  scheduler.at(0, () => radio.start("TC"));
  scheduler.advance(5_000); // calibration and RX before the first meter speaks

  // traffic
  const t0 = scheduler.now;
  const window = o.durationMs * 1000;
  const signals: AirSignal[] = [];
  let t = t0, busy = 0;
  for (;;) {
    const i = Math.floor(prng.next() * frames.length);
    if (traffic === "poisson") t += (-Math.log(1 - prng.next()) * meanAirtime) / o.load;
    if (t >= t0 + window) break;
    const f = frames[i];
    const s = air.transmit({ mode: f.mode, format: f.format, frame: f.frame, rssiDbm: -55 - prng.int(0, 40), at: t });
    signals.push(s);
    busy += s.end - s.start;
    if (traffic === "back-to-back") t = s.end + (s.end - s.start) * (1 / o.load - 1);
  }
  const lastEnd = signals.reduce((m, s) => Math.max(m, s.end), t0);
  scheduler.runUntil(lastEnd + 1000);
  // let the decoder drain what the radio delivered
  for (let guard = 0; guard < 1000 && (queue.length > 0 || scheduler.busy); guard++) scheduler.advance(10_000);

  const { matched, lostOnAir, lostByGateway, missedBehindCollision, gatewayLosses } = attribute(signals, decoded, syncs);
  const st = radio.stats;
  radio.close();
  return {
    chip: o.chip,
    service: o.service,
    traffic,
    load: o.load,
    occupancy: busy / window,
    sent: signals.length,
    collided: signals.filter((s) => s.collided).length,
    lostOnAir,
    missedBehindCollision,
    deliveredByRadio: st.framesDelivered,
    decoded: matched.size,
    decodeErrors,
    lostByGateway,
    gatewayLosses,
    fifoOverflows: st.overflows,
    queueOverflows: queue.stats.overflows,
    queueHighWater: queue.stats.highWater,
    radioRejects: st.crcErrors + st.lengthErrors + st.codingErrors + st.syncErrors,
    thread: { ...scheduler.threadStats },
  };
}

interface Attribution {
  matched: Set<AirSignal>;
  lostOnAir: number;
  lostByGateway: number;
  missedBehindCollision: number;
  gatewayLosses: LoadResult["gatewayLosses"];
}

/** Puts every transmission in one bucket (see the file comment). */
function attribute(signals: readonly AirSignal[], decoded: readonly { key: string; at: number }[], syncs: ReturnType<typeof watchSyncs>): Attribution {
  // attribution: each decoded frame to the latest unmatched transmission of the same bytes that had started
  const byKey = new Map<string, AirSignal[]>();
  for (const s of signals) {
    const k = toHex(s.frame);
    const list = byKey.get(k) ?? [];
    list.push(s);
    byKey.set(k, list);
  }
  const matched = new Set<AirSignal>();
  for (const d of decoded) {
    const list = byKey.get(d.key) ?? [];
    let best: AirSignal | null = null;
    for (const s of list) if (!matched.has(s) && s.start <= d.at && (!best || s.start > best.start)) best = s;
    if (best) matched.add(best);
  }
  let lostOnAir = 0, lostByGateway = 0, missedBehindCollision = 0;
  const gatewayLosses = { notInRx: 0, held: 0, dropped: 0 };
  for (const s of signals) {
    if (matched.has(s)) continue;
    const holder = syncs.offered.has(s) ? null : syncs.holderAt(s.start);
    if (s.collided) lostOnAir++;
    else if (holder?.collided) missedBehindCollision++;
    else {
      lostByGateway++;
      if (!syncs.offered.has(s)) gatewayLosses.held++;
      else if (syncs.accepted.has(s)) gatewayLosses.dropped++;
      else gatewayLosses.notInRx++;
    }
  }
  lostOnAir += missedBehindCollision;
  return { matched, lostOnAir, lostByGateway, missedBehindCollision, gatewayLosses };
}

/** Which signals the air offered to the gateway's receiver, and which one it locked onto when. */
function watchSyncs(air: Air): { offered: Set<AirSignal>; accepted: Set<AirSignal>; holderAt(t: number): AirSignal | null } {
  const offered = new Set<AirSignal>();
  const accepted = new Set<AirSignal>();
  const locks: { at: number; signal: AirSignal }[] = [];
  const attach = air.attach.bind(air);
  air.attach = (receiver: AirReceiver) =>
    attach({
      tuning: () => receiver.tuning(),
      onSync: (signal) => {
        offered.add(signal);
        const ok = receiver.onSync(signal);
        if (ok) {
          accepted.add(signal);
          locks.push({ at: air.scheduler.now, signal });
        }
        return ok;
      },
      onByte: (b) => receiver.onByte(b),
      onCarrierLost: () => receiver.onCarrierLost(),
    });
  return {
    offered,
    accepted,
    /** The last signal locked before `t` (the air offers nothing else while a lock is held). */
    holderAt(t) {
      let h: AirSignal | null = null;
      for (const l of locks) if (l.at <= t) h = l.signal;
      return h;
    },
  };
}
