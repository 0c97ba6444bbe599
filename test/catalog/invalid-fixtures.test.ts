import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileJob, redactSecretOptions } from '../../src/daemon/compile-job.js';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import { catalogContext } from '../planner/plan-helpers.js';

/**
 * Every file of test/fixtures/catalog/invalid declares its errors in its header:
 *   -- expect: PD2006 7:3       one line per error, in source order
 *   -- message: did you mean    (optional) text the formatted errors must contain
 * The job must fail with exactly those {code, line, col}, all reported at once.
 */
const DIR = fileURLToPath(new URL('../fixtures/catalog/invalid/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

interface Expected {
  readonly code: string;
  readonly line: number;
  readonly col: number;
}

function header(source: string): { expected: Expected[]; messages: string[] } {
  const expected = [...source.matchAll(/^--\s*expect:\s*(PD\d{4})\s+(\d+):(\d+)\s*$/gm)].map((m) => ({
    code: m[1]!,
    line: Number(m[2]),
    col: Number(m[3]),
  }));
  const messages = [...source.matchAll(/^--\s*message:\s*(.+?)\s*$/gm)].map((m) => m[1]!);
  return { expected, messages };
}

function compileError(file: string, source: string): DiagnosticsError {
  try {
    compileJob(file, source, catalogContext());
  } catch (err) {
    if (err instanceof DiagnosticsError) return err;
    throw err;
  }
  throw new Error(`${file} compiled without errors`);
}

describe('invalid catalog/plan fixtures', () => {
  it('has at least 40 fixtures, covering every PD20xx plan check and unknown columns', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(40);
    const codes = new Set(FILES.flatMap((f) => header(readFileSync(join(DIR, f), 'utf8')).expected.map((e) => e.code)));
    const wanted = Array.from({ length: 25 }, (_, i) => `PD20${String(i + 1).padStart(2, '0')}`).concat('PD2201');
    expect(wanted.filter((c) => !codes.has(c))).toEqual([]);
  });

  it('has a fixture with several errors', () => {
    const counts = FILES.map((f) => header(readFileSync(join(DIR, f), 'utf8')).expected.length);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(5);
  });

  it.each(FILES)('%s', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const { expected, messages } = header(source);
    expect(expected.length, 'the header declares at least one "-- expect:" line').toBeGreaterThan(0);

    const err = compileError(file, source);
    const got = err.diagnostics.map((d) => ({ code: d.code, line: d.span.line, col: d.span.col }));
    expect(got, err.message).toEqual(expected);

    // `file:line:col: message [CODE]`, the source line, then a caret under the column.
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(3 * expected.length);
    // Quoted lines show credential values blanked (compile-job.ts redactSecretOptions).
    const sourceLines = redactSecretOptions(source).split('\n');
    expected.forEach((e, i) => {
      const [head, text, caret] = lines.slice(3 * i, 3 * i + 3) as [string, string, string];
      expect(head.startsWith(`${file}:${e.line}:${e.col}: `), head).toBe(true);
      expect(head.endsWith(`[${e.code}]`), head).toBe(true);
      expect(text).toBe(`  ${sourceLines[e.line - 1]}`);
      expect(caret).toMatch(/^ *\^+$/);
      expect(caret.indexOf('^') - 2).toBe(e.col - 1);
    });
    for (const m of messages) expect(err.message).toContain(m);
  });
});
