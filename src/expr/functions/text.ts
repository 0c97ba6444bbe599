/** Character helpers: Flink counts characters as code points, JS strings are UTF-16. */

const SURROGATE = /[\uD800-\uDFFF]/;

/** The string as an array of characters, or the string itself when every character is one code unit. */
export function chars(s: string): string | string[] {
  return SURROGATE.test(s) ? Array.from(s) : s;
}

export function charLength(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length;
}

/** Characters [start, end) (0-based). */
export function sliceChars(s: string, start: number, end?: number): string {
  const c = chars(s);
  return typeof c === 'string' ? c.slice(start, end) : c.slice(start, end).join('');
}

/** Removes leading and/or trailing characters that are in `set` (Flink treats the TRIM characters as a set). */
export function trimSet(s: string, set: string, leading: boolean, trailing: boolean): string {
  let start = 0;
  let end = s.length;
  if (leading) while (start < end && set.includes(s[start])) start++;
  if (trailing) while (end > start && set.includes(s[end - 1])) end--;
  return s.slice(start, end);
}

/**
 * Flink's SUBSTRING(s, pos, len): 1-based; pos 0 counts as 1; a negative pos counts from the
 * end; a negative length gives NULL.
 */
export function substring(s: string, pos: number, len?: number): string | null {
  if (len !== undefined && len < 0) return null;
  const c = chars(s);
  const n = c.length;
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  if (start < 0) start = 0;
  if (start >= n) return '';
  const end = len === undefined ? n : Math.min(n, start + len);
  return typeof c === 'string' ? c.slice(start, end) : c.slice(start, end).join('');
}

/** Java's String.replace semantics: every occurrence; an empty search inserts between characters. */
export function replaceAll(s: string, search: string, replacement: string): string {
  return s.split(search).join(replacement);
}

/** Flink's LPAD/RPAD: NULL for a negative length or empty pad; the string is cut to the length. */
export function pad(s: string, len: number, padding: string, left: boolean): string | null {
  if (len < 0 || padding === '') return null;
  if (len === 0) return '';
  if (s.length >= len) return s.slice(0, len);
  const fill = padding.repeat(Math.ceil((len - s.length) / padding.length)).slice(0, len - s.length);
  return left ? fill + s : s + fill;
}

/** INITCAP: the first letter of each alphanumeric word upper-cased, the rest lower-cased. */
export function initcap(s: string): string {
  let out = '';
  let startOfWord = true;
  for (const ch of s) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    out += alnum && startOfWord ? ch.toUpperCase() : ch.toLowerCase();
    startOfWord = !alnum;
  }
  return out;
}

/** Commons-lang splitByWholeSeparatorPreserveAllTokens, which SPLIT_INDEX uses. */
export function splitWhole(s: string, sep: string): string[] {
  if (s === '') return [];
  if (sep === '') return s.split(/\s+/).filter((t) => t !== '');
  return s.split(sep);
}
