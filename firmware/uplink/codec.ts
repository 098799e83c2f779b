/**
 * OutgoingReading ⇄ bytes for the offline buffer (UTF-8 JSON; short keys keep records small).
 */
import type { FieldValue, Reading } from "../meters/types.js";
import type { OutgoingReading } from "./uplink.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeReading(r: OutgoingReading): Uint8Array {
  const o: Record<string, unknown> = {
    i: r.readingId,
    t: r.telegramId,
    m: r.meterId,
    n: r.meterName,
    d: r.driver,
    e: r.media,
    r: r.reading,
    at: r.receivedAt,
  };
  if (r.manufacturer !== undefined) o.f = r.manufacturer;
  return encoder.encode(JSON.stringify(o));
}

const isValue = (v: unknown): v is FieldValue => v === null || typeof v === "number" || typeof v === "string";

/** The reading stored in `bytes`; throws an Error saying what is wrong (a corrupt record). */
export function decodeReading(bytes: Uint8Array): OutgoingReading {
  const o = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
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
  return out;
}
