/**
 * Runs gateways against the simulated apartment in simulated time: a SimClock that the runner advances from
 * transmission to transmission, one FrameSource per gateway, and a status snapshot every `statusEveryMs`.
 * Used by `npm start` (with real-time pacing) and by the tests (as fast as possible).
 */
import type { Clock } from "../../firmware/platform/services.js";
import type { Gateway } from "../../firmware/gateway/gateway.js";
import type { FrameSource } from "../../firmware/gateway/frame-source.js";
import type { Apartment, Transmission } from "./apartment.js";
import type { StatusParts } from "../../firmware/uplink/status.js";

/**
 * A frame source on the simulated air: the runner offers it every transmission at its time.
 * DirectFrameSource (gateway-direct-source.ts, an ideal radio) or AirFrameSource (gateway-air-source.ts: the
 * air model and a CC1101/SX1262 driver on its chip simulator).
 */
export interface SimulatedReceiver extends FrameSource {
  transmit(tx: Transmission): void;
  /**
   * Lets the receiver's own simulation (air, chips, drivers) run up to `ms`; called before the runner moves
   * the clock there, so frames still in flight are delivered at their own time.
   */
  runUntil?(ms: number): void;
}

/** After the last transmission, time for the frames still on air to arrive (longest S1 frame ≈ 125 ms). */
export const IN_FLIGHT_MS = 200;

export class SimClock implements Clock {
  #now: number;
  constructor(startMs: number) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  /** Moves time forward (never back). */
  advanceTo(ms: number): void {
    if (ms > this.#now) this.#now = ms;
  }
}

export interface SimulatedGateway {
  gateway: Gateway;
  source: SimulatedReceiver;
  /** The parts of the status document (the web page's too); default: the source's counters as `radio`. */
  statusParts?: () => StatusParts;
}

export interface RunOptions {
  apartment: Apartment;
  clock: SimClock;
  gateways: SimulatedGateway[];
  /** Simulated duration in ms from the clock's current time. */
  durationMs: number;
  /** Simulated time between status snapshots (default 60 s). */
  statusEveryMs?: number;
  /** Simulated ms per real ms (e.g. 60 = a minute per second); Infinity or undefined = as fast as possible. */
  speed?: number;
  /** Called for every transmission after the gateways handled it. */
  onTransmission?: (tx: Transmission) => void;
  /** Called after every status snapshot. */
  onStatus?: (now: number) => void;
  /** Checked between steps; true stops the run early (Ctrl-C). */
  stopped?: () => boolean;
  /** Awaited after every status step (tests: let the uplinks deliver before simulated time runs on). */
  settle?: () => Promise<void>;
  /** Other simulations on the same clock (the wired segment): awaited to run up to `ms` before the clock moves there. */
  advance?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wires each gateway to its source (source.start(gateway listen mode → gateway.handleFrame)). */
export function connect(g: SimulatedGateway): void {
  g.source.start(g.gateway.config.radioMode, (f) => g.gateway.handleFrame(f));
}

export async function runApartment(o: RunOptions): Promise<void> {
  const end = o.clock.now() + o.durationMs;
  const every = o.statusEveryMs ?? 60_000;
  const realStep = 250; // ms of real time per pacing step
  let nextStatus = o.clock.now() + every;
  while (o.clock.now() < end && !(o.stopped && o.stopped())) {
    const stepEnd = Math.min(end, nextStatus, o.speed && isFinite(o.speed) ? o.clock.now() + realStep * o.speed : Infinity);
    for (const tx of o.apartment.takeUntil(stepEnd)) {
      if (o.advance) await o.advance(tx.at);
      runSources(o.gateways, tx.at);
      o.clock.advanceTo(tx.at);
      for (const g of o.gateways) g.source.transmit(tx);
      if (o.onTransmission) o.onTransmission(tx);
    }
    if (o.advance) await o.advance(stepEnd);
    runSources(o.gateways, stepEnd);
    o.clock.advanceTo(stepEnd);
    if (stepEnd >= nextStatus) {
      for (const g of o.gateways) g.gateway.publishStatus(g.statusParts ? g.statusParts() : { radio: g.source.stats() });
      if (o.onStatus) o.onStatus(o.clock.now());
      nextStatus += every;
      if (o.settle) await o.settle();
    }
    if (o.speed && isFinite(o.speed)) await sleep(realStep);
    else await new Promise<void>((r) => setImmediate(r)); // lets the uplinks' I/O run between steps
  }
  // frames that started before the end still arrive (receivers with their own simulation only)
  if (!(o.stopped && o.stopped()) && o.gateways.some((g) => g.source.runUntil)) {
    runSources(o.gateways, o.clock.now() + IN_FLIGHT_MS);
    if (o.settle) await o.settle();
  }
}

function runSources(gateways: readonly SimulatedGateway[], ms: number): void {
  for (const g of gateways) if (g.source.runUntil) g.source.runUntil(ms);
}
