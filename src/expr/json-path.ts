import type { JsonObject, JsonValue } from './json-text.js';

/**
 * The JSON path subset Flink's JSON functions are used with (Jayway syntax, SQL/JSON modes):
 * `[lax|strict] $`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`, `.*`. Without a mode the path is
 * strict, as in Flink. Lax: a missing member is an empty result; strict: it is an error.
 */
export interface JsonPath {
  readonly text: string;
  readonly mode: 'lax' | 'strict';
  readonly steps: readonly PathStep[];
  /** False when a wildcard makes the result a list of matches (then always an array). */
  readonly definite: boolean;
}

export type PathStep =
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

export class JsonPathError extends Error {}

const MODE = /^\s*(strict|lax)\s+([\s\S]+)$/i;
const NAME = /^[^.[\]\s]+/;

export function parseJsonPath(text: string): JsonPath {
  const m = MODE.exec(text);
  const mode = m ? (m[1].toLowerCase() as 'lax' | 'strict') : 'strict';
  const body = (m ? m[2] : text).trim();
  if (!body.startsWith('$')) throw new JsonPathError(`invalid JSON path '${text}': it must start with '$' (after an optional lax/strict)`);
  const steps: PathStep[] = [];
  let rest = body.slice(1);
  while (rest.length > 0) {
    const step = readStep(rest, text);
    steps.push(step.step);
    rest = rest.slice(step.length);
  }
  return { text, mode, steps, definite: steps.every((s) => s.kind !== 'wildcard') };
}

function readStep(rest: string, text: string): { step: PathStep; length: number } {
  if (rest.startsWith('.*')) return { step: { kind: 'wildcard' }, length: 2 };
  if (rest.startsWith('[*]')) return { step: { kind: 'wildcard' }, length: 3 };
  if (rest.startsWith('.')) {
    const name = NAME.exec(rest.slice(1));
    if (!name) throw new JsonPathError(`invalid JSON path '${text}': expected a member name after '.'`);
    return { step: { kind: 'member', name: name[0] }, length: 1 + name[0].length };
  }
  const quoted = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
  if (quoted) return { step: { kind: 'member', name: (quoted[1] ?? quoted[2]).replace(/\\(.)/g, '$1') }, length: quoted[0].length };
  const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
  if (index) return { step: { kind: 'index', index: Number(index[1]) }, length: index[0].length };
  throw new JsonPathError(`invalid JSON path '${text}': unexpected '${rest.slice(0, 10)}'`);
}

/** The value at `path`; undefined when nothing is there (lax). Strict mode throws JsonPathError instead. */
export function readJsonPath(doc: JsonValue, path: JsonPath): JsonValue | undefined {
  if (path.definite) return readDefinite(doc, path);
  const out: JsonValue[] = [];
  collect(doc, path.steps, 0, out);
  return out;
}

function readDefinite(doc: JsonValue, path: JsonPath): JsonValue | undefined {
  let current: JsonValue = doc;
  for (const step of path.steps) {
    const next = child(current, step);
    if (next === undefined) {
      if (path.mode === 'strict') throw new JsonPathError(`no ${describe(step)} at JSON path '${path.text}'`);
      return undefined;
    }
    current = next;
  }
  return current;
}

function collect(value: JsonValue, steps: readonly PathStep[], i: number, out: JsonValue[]): void {
  if (i === steps.length) {
    out.push(value);
    return;
  }
  const step = steps[i];
  if (step.kind === 'wildcard') {
    for (const v of children(value)) collect(v, steps, i + 1, out);
    return;
  }
  const next = child(value, step);
  if (next !== undefined) collect(next, steps, i + 1, out);
}

function child(value: JsonValue, step: PathStep): JsonValue | undefined {
  if (step.kind === 'member') return isObject(value) ? value.get(step.name) : undefined;
  if (step.kind === 'index') {
    if (!Array.isArray(value)) return undefined;
    const array = value as readonly JsonValue[];
    return array[step.index < 0 ? array.length + step.index : step.index];
  }
  return undefined;
}

function children(value: JsonValue): readonly JsonValue[] {
  if (Array.isArray(value)) return value as readonly JsonValue[];
  return isObject(value) ? [...value.values()] : [];
}

function isObject(value: JsonValue): value is JsonObject {
  return value instanceof Map;
}

function describe(step: PathStep): string {
  return step.kind === 'member' ? `member '${step.name}'` : step.kind === 'index' ? `element [${step.index}]` : 'element';
}
