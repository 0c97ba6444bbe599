import { describe, expect, it, vi } from 'vitest';

// A printer that loses what a statement says: the guard must refuse its output.
vi.mock('../../src/sql/printer/print-statement.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/sql/printer/print-statement.js')>();
  return { ...real, printStatement: () => 'SELECT 2' };
});

const { formatScript, FormatterError } = await import('../../src/sql/printer/format-script.js');

describe('formatScript guard', () => {
  it('throws PD5105 instead of returning a text that parses to other statements', () => {
    expect(() => formatScript('SELECT 1;\n', 'job.sql')).toThrow(FormatterError);
    try {
      formatScript('SELECT 1;\n', 'job.sql');
    } catch (err) {
      expect((err as InstanceType<typeof FormatterError>).code).toBe('PD5105');
      expect((err as Error).message).toContain('job.sql: cannot format: the formatted text parses to different statements');
    }
  });
});
