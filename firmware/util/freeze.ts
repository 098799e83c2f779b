/**
 * Freezes a table and everything reachable from it. Preloaded (build-time) tables live in flash on the
 * device; an unfrozen object there costs a RAM pointer per object (Moddable preload docs), so data tables
 * are frozen once where they are built.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k of Object.keys(value as object)) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}
