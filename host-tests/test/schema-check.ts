/**
 * A small JSON Schema (draft 2020-12) checker for the keywords docs/driver.schema.json uses: $ref (local),
 * type, enum, const, not, allOf, anyOf, oneOf, if/then/else, properties, additionalProperties, required,
 * dependentRequired, maxProperties, propertyNames, items, prefixItems, minItems, maxItems, minLength,
 * maxLength, pattern, minimum, maximum. Written for the tests (no schema library dependency); an unknown
 * keyword is an error, so the schema cannot use one this checker silently ignores.
 */
export type Schema = { [k: string]: unknown };

const KNOWN = new Set([
  "$schema", "$id", "$ref", "$defs", "title", "description", "type", "enum", "const", "not", "allOf", "anyOf", "oneOf",
  "if", "then", "else", "properties", "additionalProperties", "required", "dependentRequired", "maxProperties",
  "propertyNames", "items", "prefixItems", "minItems", "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Problems of `value` against `schema` ("path: what"); [] when valid. */
export function checkSchema(root: Schema, value: unknown): string[] {
  const out: string[] = [];
  check(root, root, value, "$", out);
  return out;
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error("only local $ref: " + ref);
  let s: unknown = root;
  for (const part of ref.slice(2).split("/")) s = (s as Schema)[part];
  if (typeof s !== "object" || s === null) throw new Error("bad $ref " + ref);
  return s as Schema;
}

function check(root: Schema, s: Schema, v: unknown, at: string, out: string[]): void {
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`schema keyword ${k} not supported (at ${at})`);
  if (typeof s.$ref === "string") check(root, resolve(root, s.$ref), v, at, out);
  const t = typeOf(v);
  if (typeof s.type === "string" && !(s.type === t || (s.type === "number" && t === "integer"))) {
    out.push(`${at}: expected ${s.type}, got ${t}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) out.push(`${at}: not one of ${JSON.stringify(s.enum)}`);
  if ("const" in s && !deepEqual(s.const, v)) out.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (s.not !== undefined && checkSchema2(root, s.not as Schema, v)) out.push(`${at}: matches a "not" schema`);
  if (Array.isArray(s.allOf)) for (const x of s.allOf) check(root, x as Schema, v, at, out);
  if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => checkSchema2(root, x as Schema, v))) out.push(`${at}: matches none of anyOf`);
  if (Array.isArray(s.oneOf)) {
    const n = s.oneOf.filter((x) => checkSchema2(root, x as Schema, v)).length;
    if (n !== 1) out.push(`${at}: matches ${n} of oneOf`);
  }
  if (s.if !== undefined) {
    const branch = checkSchema2(root, s.if as Schema, v) ? s.then : s.else;
    if (branch !== undefined) check(root, branch as Schema, v, at, out);
  }
  if (t === "object") {
    const o = v as { [k: string]: unknown };
    const props = (s.properties ?? {}) as { [k: string]: Schema };
    for (const k of Object.keys(o)) {
      if (Object.prototype.hasOwnProperty.call(props, k)) check(root, props[k], o[k], `${at}.${k}`, out);
      else if (s.additionalProperties === false) out.push(`${at}: unknown property ${k}`);
      else if (typeof s.additionalProperties === "object") check(root, s.additionalProperties as Schema, o[k], `${at}.${k}`, out);
      if (s.propertyNames !== undefined) check(root, s.propertyNames as Schema, k, `${at}[name ${k}]`, out);
    }
    if (Array.isArray(s.required)) for (const k of s.required) if (!(k in o)) out.push(`${at}: missing ${k}`);
    if (s.dependentRequired) {
      for (const [k, needs] of Object.entries(s.dependentRequired as { [k: string]: string[] })) {
        if (k in o) for (const n of needs) if (!(n in o)) out.push(`${at}: ${k} needs ${n}`);
      }
    }
    if (typeof s.maxProperties === "number" && Object.keys(o).length > s.maxProperties) out.push(`${at}: more than ${s.maxProperties} properties`);
  }
  if (t === "array") {
    const a = v as unknown[];
    const prefix = (s.prefixItems ?? []) as Schema[];
    for (let i = 0; i < a.length; i++) {
      if (i < prefix.length) check(root, prefix[i], a[i], `${at}[${i}]`, out);
      else if (s.items !== undefined) check(root, s.items as Schema, a[i], `${at}[${i}]`, out);
    }
    if (typeof s.minItems === "number" && a.length < s.minItems) out.push(`${at}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === "number" && a.length > s.maxItems) out.push(`${at}: more than ${s.maxItems} items`);
  }
  if (t === "string") {
    const str = v as string;
    const len = [...str].length; // JSON Schema counts code points
    if (typeof s.minLength === "number" && len < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === "number" && len > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(str)) out.push(`${at}: does not match ${s.pattern}`);
  }
  if (t === "number" || t === "integer") {
    const n = v as number;
    if (typeof s.minimum === "number" && n < s.minimum) out.push(`${at}: below ${s.minimum}`);
    if (typeof s.maximum === "number" && n > s.maximum) out.push(`${at}: above ${s.maximum}`);
  }
}

function checkSchema2(root: Schema, s: Schema, v: unknown): boolean {
  const out: string[] = [];
  check(root, s, v, "", out);
  return out.length === 0;
}
