/**
 * Builders for the rule shapes many drivers share. Each returns the plain data a driver would
 * otherwise spell out (same keys, same order), so driver tables stay data; they only name the
 * shape once.
 */
import type { FieldRule, FlagTable, StatusField, StatusPart } from "../types.js";
import { deepFreeze } from "../../util/freeze.js";

/** The standard error-flags record (EN 13757-3 VIF FD 17) as a status source. */
const ERROR_FLAGS: FieldRule = deepFreeze({ name: "", record: "error_flags" });

/** The error-flags record as a status part; `names` names its bits (default: ERROR_FLAGS_ + hex). */
export function errorFlags(names?: FlagTable): StatusPart {
  return names ? { fromRecord: ERROR_FLAGS, flags: names } : { fromRecord: ERROR_FLAGS };
}

/**
 * The usual status field: the TPL STS byte (EN 13757-7 table 5; `tplStatusFlags` names the manufacturer bits
 * 5..7) and the error-flags record (`errors` names its bits). `name` defaults to "status".
 */
export function stsAndErrors(o: { name?: string; tplStatusFlags?: FlagTable; errors?: FlagTable } = {}): StatusField {
  return { name: o.name ?? "status", parts: [o.tplStatusFlags ? { tplStatus: true, flags: o.tplStatusFlags } : { tplStatus: true }, errorFlags(o.errors)] };
}

/** A field of error flags, then "status" = the STS byte plus those same flags. */
export function errorsThenStatus(errors: StatusField): StatusField[] {
  return [errors, { name: "status", parts: [{ tplStatus: true }, { copyOf: errors.name }] }];
}

/**
 * Phases 1..3 sent with manufacturer VIF extensions that end in the phase number:
 * `name(i)` ← VIB `vibPrefix` + "0" + i (e.g. FDC9FF01..03).
 */
export function phases(name: (i: number) => string, u: string, vibPrefix: string): FieldRule[] {
  const out: FieldRule[] = [];
  for (let i = 1; i <= 3; i++) out.push({ name: name(i), unit: u, vifBytes: vibPrefix + "0" + i });
  return out;
}
