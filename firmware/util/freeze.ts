/**
 * Freezes a table and everything reachable from it. Preloaded (build-time) tables live in flash on the
 * device; an unfrozen object there costs a RAM pointer per object (Moddable preload docs, docs/moddable-build.md),
 * so data tables are frozen once where they are built.
 *
 * An object that is frozen already is still walked: a list frozen shallowly (`Object.freeze([...rules])`) and
 * then put into a deep-frozen table would otherwise shield its elements (the real SDK's linker reported 95 rule
 * objects of such a list as "not frozen"). Each object is visited once, so shared parts and cycles cost nothing.
 */
export function deepFreeze<T>(value: T): T {
  freezeFrom(value, new Set());
  return value;
}

function freezeFrom(value: unknown, seen: Set<object>): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const k of Object.keys(value)) freezeFrom((value as Record<string, unknown>)[k], seen);
}
