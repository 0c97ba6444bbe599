import { type JsonPath, JsonPathError, parseJsonPath, readJsonPath } from './json-path.js';
import { isScalarJson, type JsonValue, parseJsonCached, scalarJsonText, stringifyJson } from './json-text.js';

/**
 * The run-time half of JSON_VALUE / JSON_QUERY / JSON_EXISTS, following Flink's SqlJsonUtils:
 * lax mode turns invalid JSON and missing members into an empty result, strict mode into an
 * error; what empty and error then give is the caller's ON EMPTY / ON ERROR behaviour.
 */
export type JsonOutcome =
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'empty' }
  | { readonly kind: 'error'; readonly message: string };

const EMPTY: JsonOutcome = { kind: 'empty' };

export function jsonLookup(text: string, path: JsonPath): JsonOutcome {
  let doc: JsonValue;
  try {
    doc = parseJsonCached(text);
  } catch (error) {
    return path.mode === 'lax' ? EMPTY : { kind: 'error', message: `invalid JSON input: ${(error as Error).message}` };
  }
  let value: JsonValue | undefined;
  try {
    value = readJsonPath(doc, path);
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error;
    return { kind: 'error', message: error.message };
  }
  if (value === undefined || value === null) {
    return path.mode === 'lax' ? EMPTY : { kind: 'error', message: `strict JSON path '${path.text}' requires a non-null value` };
  }
  return { kind: 'value', value };
}

/** JSON_VALUE: a scalar's text; an object or array is empty in lax mode and an error in strict mode. */
export function jsonValueOutcome(text: string, path: JsonPath): { kind: 'text'; text: string } | JsonOutcome {
  const found = jsonLookup(text, path);
  if (found.kind !== 'value') return found;
  if (isScalarJson(found.value)) return { kind: 'text', text: scalarJsonText(found.value)! };
  if (path.mode === 'lax') return EMPTY;
  return { kind: 'error', message: `strict JSON path '${path.text}' requires a scalar value, found an ${Array.isArray(found.value) ? 'array' : 'object'}` };
}

export type JsonWrapper = 'WITHOUT' | 'WITH CONDITIONAL' | 'WITH UNCONDITIONAL';

/** JSON_QUERY: an object or array as JSON text, after the ARRAY WRAPPER; a scalar is empty (lax) or an error (strict). */
export function jsonQueryOutcome(text: string, path: JsonPath, wrapper: JsonWrapper): { kind: 'text'; text: string } | JsonOutcome {
  const found = jsonLookup(text, path);
  if (found.kind !== 'value') return found;
  let value = found.value;
  if (wrapper === 'WITH UNCONDITIONAL' || (wrapper === 'WITH CONDITIONAL' && !Array.isArray(value))) value = [value];
  if (!isScalarJson(value)) return { kind: 'text', text: stringifyJson(value) };
  if (path.mode === 'lax') return EMPTY;
  return { kind: 'error', message: `strict JSON path '${path.text}' requires an array or object value, found a scalar` };
}

/** JSON_EXISTS: TRUE when the path finds a non-null value; errors give FALSE (Flink's FALSE ON ERROR). */
export function jsonExists(text: string, path: JsonPath): boolean {
  return jsonLookup(text, path).kind === 'value';
}

const pathCache = new Map<string, JsonPath | JsonPathError>();

/** A path that is not a constant is parsed per row; parsed paths are memoised. Throws JsonPathError. */
export function cachedPath(text: string): JsonPath {
  let path = pathCache.get(text);
  if (!path) {
    if (pathCache.size > 256) pathCache.clear();
    try {
      path = parseJsonPath(text);
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      path = error;
    }
    pathCache.set(text, path);
  }
  if (path instanceof JsonPathError) throw path;
  return path;
}
