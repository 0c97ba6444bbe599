import type { Value } from '../../types/data-type.js';
import { T } from '../types.js';
import { checkFamilies, eager, fn, type FunctionDef, strict, typed } from './function-def.js';
import { javaRegex, javaReplacement } from './regex.js';
import { charLength, chars, initcap, pad, replaceAll, sliceChars, splitWhole, substring, trimSet } from './text.js';

const STRICT_NULLS = 'NULL if any argument is NULL';
const S = T.string();

const substringDef = fn({
  signature: 'SUBSTRING(s STRING, start INT [, length INT]) → STRING',
  nulls: `${STRICT_NULLS}; NULL for a negative length`,
  minArgs: 2,
  maxArgs: 3,
  returns: typed(['STRING', 'INTEGER', 'INTEGER'], S, { alwaysNullable: true }),
  build: strict((s: string, pos: number, len?: number) => substring(s, pos, len)),
});

const charLengthDef = fn({
  signature: 'CHAR_LENGTH(s STRING) → INT',
  nulls: STRICT_NULLS,
  minArgs: 1,
  returns: typed(['STRING'], T.int()),
  build: strict((s: string) => charLength(s)),
});

function trimDef(signature: string, leading: boolean, trailing: boolean): FunctionDef {
  return fn({
    signature,
    nulls: `${STRICT_NULLS}; removes spaces unless chars (a set of characters) is given`,
    minArgs: 1,
    maxArgs: 2,
    returns: typed(['STRING', 'STRING'], S),
    build: strict((s: string, set = ' ') => trimSet(s, set, leading, trailing)),
  });
}

function padDef(name: 'LPAD' | 'RPAD'): FunctionDef {
  return fn({
    signature: `${name}(s STRING, length INT, pad STRING) → STRING`,
    nulls: `${STRICT_NULLS}; NULL for a negative length or an empty pad`,
    minArgs: 3,
    returns: typed(['STRING', 'INTEGER', 'STRING'], S, { alwaysNullable: true }),
    build: strict((s: string, len: number, p: string) => pad(s, len, p, name === 'LPAD')),
  });
}

function locate(needle: string, haystack: string, from = 1): number {
  if (from < 1) return 0;
  const hay = chars(haystack);
  if (typeof hay === 'string') return hay.indexOf(needle, from - 1) + 1;
  const at = hay.join('').indexOf(needle, sliceChars(haystack, 0, from - 1).length);
  return at < 0 ? 0 : charLength(haystack.slice(0, at)) + 1;
}

export const STRING_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  CONCAT: fn({
    signature: 'CONCAT(s1 STRING, s2 STRING, ...) → STRING',
    nulls: STRICT_NULLS,
    minArgs: 1,
    maxArgs: Infinity,
    returns: typed([], S, { rest: 'STRING' }),
    build: strict((...parts: string[]) => parts.join('')),
  }),
  CONCAT_WS: fn({
    signature: 'CONCAT_WS(separator STRING, s1 STRING, ...) → STRING',
    nulls: 'NULL if the separator is NULL; NULL strings are skipped',
    minArgs: 1,
    maxArgs: Infinity,
    returns: (types) => checkFamilies(types, [], 'STRING') ?? T.string(types[0].nullable),
    build: eager(([sep, ...parts]) => (sep === null ? null : parts.filter((p) => p !== null).join(sep as string))),
  }),
  UPPER: fn({ signature: 'UPPER(s STRING) → STRING', nulls: STRICT_NULLS, minArgs: 1, returns: typed(['STRING'], S), build: strict((s: string) => s.toUpperCase()) }),
  LOWER: fn({ signature: 'LOWER(s STRING) → STRING', nulls: STRICT_NULLS, minArgs: 1, returns: typed(['STRING'], S), build: strict((s: string) => s.toLowerCase()) }),
  INITCAP: fn({ signature: 'INITCAP(s STRING) → STRING', nulls: STRICT_NULLS, minArgs: 1, returns: typed(['STRING'], S), build: strict(initcap) }),
  TRIM: trimDef('TRIM([BOTH | LEADING | TRAILING] [chars] FROM s) / TRIM(s) → STRING', true, true),
  LTRIM: trimDef('LTRIM(s STRING [, chars STRING]) → STRING', true, false),
  RTRIM: trimDef('RTRIM(s STRING [, chars STRING]) → STRING', false, true),
  SUBSTRING: substringDef,
  SUBSTR: { ...substringDef, signature: 'SUBSTR(s STRING, start INT [, length INT]) → STRING' },
  CHAR_LENGTH: charLengthDef,
  CHARACTER_LENGTH: { ...charLengthDef, signature: 'CHARACTER_LENGTH(s STRING) → INT' },
  REPLACE: fn({
    signature: 'REPLACE(s STRING, search STRING, replacement STRING) → STRING',
    nulls: STRICT_NULLS,
    minArgs: 3,
    returns: typed(['STRING', 'STRING', 'STRING'], S),
    build: strict(replaceAll),
  }),
  REGEXP_REPLACE: fn({
    signature: 'REGEXP_REPLACE(s STRING, regex STRING, replacement STRING) → STRING',
    nulls: `${STRICT_NULLS}; NULL when the regex is invalid`,
    minArgs: 3,
    returns: typed(['STRING', 'STRING', 'STRING'], S, { alwaysNullable: true }),
    build: strict((s: string, regex: string, replacement: string) => {
      const re = javaRegex(regex, true);
      return re ? s.replace(re, javaReplacement(replacement)) : null;
    }),
  }),
  REGEXP_EXTRACT: fn({
    signature: 'REGEXP_EXTRACT(s STRING, regex STRING [, group INT]) → STRING',
    nulls: `${STRICT_NULLS}; NULL when nothing matches, the group does not exist or the regex is invalid`,
    minArgs: 2,
    maxArgs: 3,
    returns: typed(['STRING', 'STRING', 'INTEGER'], S, { alwaysNullable: true }),
    build: strict((s: string, regex: string, group = 0): Value => {
      const m = javaRegex(regex)?.exec(s);
      return m && group >= 0 && group < m.length ? (m[group] ?? null) : null;
    }),
  }),
  REGEXP: fn({
    signature: 'REGEXP(s STRING, regex STRING) → BOOLEAN',
    nulls: `${STRICT_NULLS}; NULL when the regex is invalid`,
    minArgs: 2,
    returns: typed(['STRING', 'STRING'], T.boolean(), { alwaysNullable: true }),
    build: strict((s: string, regex: string) => {
      const re = javaRegex(regex);
      return re ? re.test(s) : null;
    }),
  }),
  SPLIT_INDEX: fn({
    signature: 'SPLIT_INDEX(s STRING, separator STRING, index INT) → STRING',
    nulls: `${STRICT_NULLS}; NULL when the 0-based index is out of range`,
    minArgs: 3,
    returns: typed(['STRING', 'STRING', 'INTEGER'], S, { alwaysNullable: true }),
    build: strict((s: string, sep: string, i: number) => {
      const parts = splitWhole(s, sep);
      return i >= 0 && i < parts.length ? parts[i] : null;
    }),
  }),
  POSITION: fn({
    signature: 'POSITION(needle IN s) / POSITION(needle STRING, s STRING) → INT',
    nulls: `${STRICT_NULLS}; 0 when not found (1-based)`,
    minArgs: 2,
    returns: typed(['STRING', 'STRING'], T.int()),
    build: strict((needle: string, s: string) => locate(needle, s)),
  }),
  LOCATE: fn({
    signature: 'LOCATE(needle STRING, s STRING [, from INT]) → INT',
    nulls: `${STRICT_NULLS}; 0 when not found (1-based)`,
    minArgs: 2,
    maxArgs: 3,
    returns: typed(['STRING', 'STRING', 'INTEGER'], T.int()),
    build: strict((needle: string, s: string, from?: number) => locate(needle, s, from)),
  }),
  LPAD: padDef('LPAD'),
  RPAD: padDef('RPAD'),
  REPEAT: fn({
    signature: 'REPEAT(s STRING, n INT) → STRING',
    nulls: `${STRICT_NULLS}; '' when n <= 0`,
    minArgs: 2,
    returns: typed(['STRING', 'INTEGER'], S),
    build: strict((s: string, n: number) => (n > 0 ? s.repeat(n) : '')),
  }),
  REVERSE: fn({
    signature: 'REVERSE(s STRING) → STRING',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: typed(['STRING'], S),
    build: strict((s: string) => Array.from(s).reverse().join('')),
  }),
  LEFT: fn({
    signature: 'LEFT(s STRING, n INT) → STRING',
    nulls: `${STRICT_NULLS}; '' when n <= 0`,
    minArgs: 2,
    returns: typed(['STRING', 'INTEGER'], S),
    build: strict((s: string, n: number) => (n <= 0 ? '' : sliceChars(s, 0, n))),
  }),
  RIGHT: fn({
    signature: 'RIGHT(s STRING, n INT) → STRING',
    nulls: `${STRICT_NULLS}; '' when n <= 0`,
    minArgs: 2,
    returns: typed(['STRING', 'INTEGER'], S),
    build: strict((s: string, n: number) => (n <= 0 ? '' : sliceChars(s, Math.max(0, charLength(s) - n)))),
  }),
  ASCII: fn({
    signature: 'ASCII(s STRING) → INT',
    nulls: `${STRICT_NULLS}; 0 for ''`,
    minArgs: 1,
    returns: typed(['STRING'], T.int()),
    build: strict((s: string) => (s === '' ? 0 : s.charCodeAt(0))),
  }),
  CHR: fn({
    signature: 'CHR(code INT) → STRING',
    nulls: `${STRICT_NULLS}; NULL for a negative code`,
    minArgs: 1,
    returns: typed(['INTEGER'], S, { alwaysNullable: true }),
    build: strict((n: number) => (n < 0 ? null : String.fromCharCode(n % 256))),
  }),
};
