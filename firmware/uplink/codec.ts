/**
 * OutgoingReading ⇄ bytes for the offline buffer (UTF-8 JSON; short keys keep records small).
 * A reading that starts with the usual head `_, media, meter, name, id` (docs/readings.md "Shape")
 * whose values repeat the OutgoingReading's own fields is stored without that head (flag `h`)
 * and rebuilt in the same key order.
 */
import type { FieldValue, Reading } from "../meters/types.js";
import type { OutgoingReading } from "./uplink.js";

// No module-level TextEncoder/TextDecoder: a host object made while the module is preloaded would be frozen
// into the read-only image with its host data (docs/moddable-build.md §2); one per buffered reading is cheap.

/** The head keys and the OutgoingReading value each must equal to be left out. */
const HEAD: readonly (readonly [string, (r: OutgoingReading) => string])[] = Object.freeze<readonly (readonly [string, (r: OutgoingReading) => string])[]>([
  ["_", () => "telegram"],
  ["media", (r) => r.media],
  ["meter", (r) => r.driver],
  ["name", (r) => r.meterName],
  ["id", (r) => r.meterId],
]);

function hasHead(r: OutgoingReading): boolean {
  const keys = Object.keys(r.reading);
  return HEAD.every(([k, value], i) => keys[i] === k && r.reading[k] === value(r));
}

export function encodeReading(r: OutgoingReading): Uint8Array {
  let reading = r.reading;
  const head = hasHead(r);
  if (head) {
    reading = {};
    const keys = Object.keys(r.reading);
    for (let i = HEAD.length; i < keys.length; i++) reading[keys[i]] = r.reading[keys[i]];
  }
  const o: Record<string, unknown> = {
    i: r.readingId,
    t: r.telegramId,
    m: r.meterId,
    n: r.meterName,
    d: r.driver,
    e: r.media,
    r: reading,
    at: r.receivedAt,
  };
  if (head) o.h = 1;
  if (r.manufacturer !== undefined) o.f = r.manufacturer;
  return new TextEncoder().encode(JSON.stringify(o));
}

const isValue = (v: unknown): v is FieldValue => v === null || typeof v === "number" || typeof v === "string";

/** The reading stored in `bytes`; throws an Error saying what is wrong (a corrupt record). */
export function decodeReading(bytes: Uint8Array): OutgoingReading {
  const o = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const str = (k: string) => {
    if (typeof o[k] !== "string") throw new Error(`buffered reading: "${k}" is not a string`);
    return o[k] as string;
  };
  const reading = o.r;
  if (typeof reading !== "object" || reading === null || Array.isArray(reading) || !Object.values(reading).every(isValue)) {
    throw new Error("buffered reading: bad reading object");
  }
  if (typeof o.at !== "number") throw new Error('buffered reading: "at" is not a number');
  const out: OutgoingReading = {
    readingId: str("i"),
    telegramId: str("t"),
    meterId: str("m"),
    meterName: str("n"),
    driver: str("d"),
    media: str("e"),
    reading: reading as Reading,
    receivedAt: o.at,
  };
  if (o.f !== undefined) out.manufacturer = str("f");
  if (o.h === 1) {
    const full: Reading = {};
    for (const [k, value] of HEAD) full[k] = value(out);
    for (const k of Object.keys(out.reading)) full[k] = out.reading[k];
    out.reading = full;
  }
  return out;
}
