import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { EXPR_ERROR_CODES } from '../../src/errors/expr-error-codes.js';
import { FUNCTIONS } from '../../src/expr/index.js';

const docs = readFileSync(new URL('../../docs/functions.md', import.meta.url), 'utf8');
const cell = (text: string): string => text.replace(/\|/g, '\\|');

test('docs/functions.md lists every FUNCTIONS entry with its signature and NULL behaviour', () => {
  const missing = Object.entries(FUNCTIONS)
    .filter(([, def]) => !docs.includes(`| \`${cell(def.signature)}\` | ${cell(def.nulls)} |`))
    .map(([name]) => name);
  expect(missing).toEqual([]);
});

test('every documented function exists', () => {
  const section = docs.slice(docs.indexOf('\n## Functions'), docs.indexOf('\n## Error codes'));
  const documented = [...section.matchAll(/^\| `([A-Z_0-9]+)/gm)].map((m) => m[1]);
  expect(documented.length).toBe(Object.keys(FUNCTIONS).length);
  expect(documented.filter((name) => !Object.hasOwn(FUNCTIONS, name))).toEqual([]);
});

test('docs/functions.md lists every expression error code', () => {
  for (const [code, meaning] of Object.entries(EXPR_ERROR_CODES)) expect(docs).toContain(`| ${code} | ${meaning} |`);
});
