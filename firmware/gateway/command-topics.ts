/**
 * MQTT side of the command queue (docs/bidirectional.md): commands arrive on `<prefix>/<gateway>/<meter>/set`
 * (JSON), outcomes are published on `<prefix>/<gateway>/<meter>/command`. Pure: the MQTT connection (which
 * needs SUBSCRIBE, not in the transport yet) hands messages in and publishes what `outcomeMessage` returns.
 */
import type { Topics } from "../uplink/topics.js";
import type { CommandOutcome, CommandQueue } from "./commands.js";

/** The meter id of a set topic of this gateway, or undefined. */
export function commandTarget(topics: Topics, topic: string): string | undefined {
  const head = `${topics.prefix}/${topics.gateway}/`;
  if (!topic.startsWith(head) || !topic.endsWith("/set")) return undefined;
  const meter = topic.slice(head.length, -4);
  return /^[0-9a-fA-F]{8}$/.test(meter) ? meter.toLowerCase() : undefined;
}

/** The topic to subscribe to: every meter's set topic of this gateway. */
export function commandSubscription(topics: Topics): string {
  return `${topics.prefix}/${topics.gateway}/+/set`;
}

/** Handles one MQTT message; `authorized` is what the connection established (broker ACL / settings auth). */
export function handleCommandMessage(queue: CommandQueue, topics: Topics, topic: string, payload: string, authorized: boolean): { ok: boolean; error?: string } {
  const meter = commandTarget(topics, topic);
  if (!meter) return { ok: false, error: "not a command topic of this gateway" };
  let json: unknown; // stays undefined for bad JSON or more than 4 KiB: submit refuses it and publishes why
  if (payload.length <= 4096) {
    try {
      json = JSON.parse(payload);
    } catch {
      json = undefined;
    }
  }
  const r = queue.submit(meter, json, authorized);
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}

/** Topic and JSON payload (not retained) of one outcome. */
export function outcomeMessage(topics: Topics, o: CommandOutcome): { topic: string; payload: string } {
  const p: Record<string, unknown> = { id: o.id, kind: o.kind, state: o.state, attempts: o.attempts, at: new Date(o.at).toISOString() };
  if (o.detail !== undefined) p.detail = o.detail;
  return { topic: `${topics.prefix}/${topics.gateway}/${o.meter}/command`, payload: JSON.stringify(p) };
}
