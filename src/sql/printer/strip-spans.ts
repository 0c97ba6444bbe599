/** A node tree with every `span` removed: what two parses of equivalent SQL have in common. */
export type WithoutSpans<T> = T extends readonly (infer U)[]
  ? WithoutSpans<U>[]
  : T extends object
    ? { [K in keyof T as K extends 'span' ? never : K]: WithoutSpans<T[K]> }
    : T;

/** Deep copy of an AST without spans, for comparing trees (round-trip tests, hot-reload diffs). */
export function stripSpans<T>(node: T): WithoutSpans<T> {
  if (Array.isArray(node)) return node.map((item: unknown) => stripSpans(item)) as WithoutSpans<T>;
  if (node === null || typeof node !== 'object') return node as WithoutSpans<T>;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'span') copy[key] = stripSpans(value);
  }
  return copy as WithoutSpans<T>;
}

/** True when two trees are equal apart from their spans. */
export function sameAst(a: unknown, b: unknown): boolean {
  return JSON.stringify(stripSpans(a)) === JSON.stringify(stripSpans(b));
}
