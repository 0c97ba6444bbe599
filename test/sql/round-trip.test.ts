import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../src/errors/diagnostic.js';
import { parseScript, printScript, stripSpans } from '../../src/sql/index.js';
import { loadSqlFixtures } from './fixtures.js';

const fixtures = loadSqlFixtures('valid');

describe('valid SQL fixtures: parse -> print -> parse', () => {
  it('has the seed fixtures and the grammar fixtures', () => {
    const names = fixtures.map((f) => f.name);
    for (const seed of ['seed-000-', 'seed-001-', 'seed-002-', 'seed-003-', 'seed-004-']) {
      expect(names.some((n) => n.startsWith(seed)), seed).toBe(true);
    }
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(fixtures)('$name', ({ name, source }) => {
    const first = parseScript(source, name);

    it('parses without diagnostics', () => {
      expect(formatDiagnostics(name, source, first.diagnostics)).toBe('');
      expect(first.statements.length).toBeGreaterThan(0);
    });

    it('prints SQL that re-parses to the same AST', () => {
      const printed = printScript(first.statements);
      const second = parseScript(printed, `${name} (printed)`);
      expect(formatDiagnostics(`${name} (printed)`, printed, second.diagnostics)).toBe('');
      expect(stripSpans(second.statements)).toEqual(stripSpans(first.statements));
    });

    it('prints canonically: printing the re-parsed AST gives the same text', () => {
      const printed = printScript(first.statements);
      expect(printScript(parseScript(printed, name).statements)).toBe(printed);
    });
  });
});
