import type { LikeNode } from '../sql/ast/like-node.js';
import type { Row, Value } from '../types/data-type.js';
import { type Compiled, type CompileContext, derived } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import { previewValue, RowError } from './row-error.js';
import { isCharacter, T } from './types.js';

type Matcher = (text: string) => boolean;

/**
 * `x [NOT] LIKE pattern [ESCAPE 'c']`: `%` is any run of characters, `_` one character, matching
 * the whole string, case-sensitive. There is no default escape character. A constant pattern is
 * compiled once; simple ones (`abc%`, `%abc`, `%abc%`) become startsWith / endsWith / includes.
 */
export function compileLike(node: LikeNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  const pattern = ctx.compile(node.pattern);
  const escape = node.escape ? ctx.compile(node.escape) : undefined;
  if (!operand || !pattern || (node.escape && !escape)) return undefined;
  const parts = [operand, pattern, ...(escape ? [escape] : [])];
  for (const part of parts) {
    if (part.type.kind !== 'NULL' && !isCharacter(part.type)) {
      return ctx.error('PD2206', `LIKE needs character strings, got ${formatType(part.type)}`, node.span);
    }
  }
  const not = node.not;
  const nullable = parts.some((p) => p.type.nullable);
  if (pattern.constant && (!escape || escape.constant)) {
    const p = pattern.evaluate([]);
    const e = escape ? escape.evaluate([]) : undefined;
    if (p === null || e === null) return derived(T.boolean(true), parts, () => null);
    let matcher: Matcher;
    try {
      matcher = likeMatcher(p as string, e as string | undefined);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      return ctx.error('PD2210', error.message, (node.escape ?? node.pattern).span);
    }
    return derived(T.boolean(nullable), parts, (row) => {
      const v = operand.evaluate(row);
      return v === null ? null : matcher(v as string) !== not;
    });
  }
  const cache = new Map<string, Matcher>();
  return derived(T.boolean(nullable), parts, (row: Row): Value => {
    const v = operand.evaluate(row);
    const p = pattern.evaluate(row);
    const e = escape ? escape.evaluate(row) : undefined;
    if (v === null || p === null || e === null) return null;
    const key = `${e ?? ''}\u0000${p as string}`;
    let matcher = cache.get(key);
    if (!matcher) {
      if (cache.size > 256) cache.clear();
      matcher = likeMatcher(p as string, e as string | undefined);
      cache.set(key, matcher);
    }
    return matcher(v as string) !== not;
  });
}

/** Compiles a LIKE pattern; throws RowError PD4403 for a bad escape. */
export function likeMatcher(pattern: string, escape?: string): Matcher {
  if (escape !== undefined && escape.length !== 1) {
    throw new RowError('PD4403', `LIKE ESCAPE must be one character, got ${previewValue(escape)}`);
  }
  let regex = '';
  let literal = '';
  const segments: ('%' | '_' | string)[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (escape !== undefined && ch === escape) {
      const next = pattern[i + 1];
      if (next !== '%' && next !== '_' && next !== escape) {
        throw new RowError('PD4403', `invalid escape sequence in LIKE pattern ${previewValue(pattern)} at position ${i + 1}`);
      }
      literal += next;
      i++;
    } else if (ch === '%' || ch === '_') {
      if (literal) segments.push(literal);
      literal = '';
      segments.push(ch === '%' ? '\u0000%' : '\u0000_');
    } else {
      literal += ch;
    }
  }
  if (literal) segments.push(literal);
  const isAny = (s: string): boolean => s === '\u0000%';
  const lits = segments.filter((s) => !s.startsWith('\u0000'));
  if (!segments.some((s) => s === '\u0000_') && lits.length <= 1) {
    const text = lits[0] ?? '';
    const starts = segments.length > 0 && isAny(segments[0]);
    const ends = segments.length > 0 && isAny(segments[segments.length - 1]);
    if (segments.length === 0) return (s) => s === '';
    if (lits.length === 0) return () => true;
    if (segments.length === 1) return (s) => s === text;
    if (segments.length === 2 && ends) return (s) => s.startsWith(text);
    if (segments.length === 2 && starts) return (s) => s.endsWith(text);
    if (segments.length === 3 && starts && ends) return (s) => s.includes(text);
  }
  for (const s of segments) {
    if (s === '\u0000%') regex += '.*';
    else if (s === '\u0000_') regex += '.';
    else regex += s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${regex}$`, 'su');
  return (s) => re.test(s);
}
