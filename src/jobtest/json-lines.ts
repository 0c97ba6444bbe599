import type { Span } from '../errors/diagnostic.js';
import { spanAt, type ProblemList } from './test-problems.js';

/** One JSON value of a rows file, with where it was written (for messages). */
export interface JsonEntry {
  readonly value: unknown;
  readonly span: Span;
}

/** Rows as written: a JSON lines file, or an array inline in the test definition. */
export interface JsonRows {
  /** The file the rows were read from (the definition, for inline rows). */
  readonly file: string;
  readonly source: string;
  readonly entries: readonly JsonEntry[];
}

/**
 * One JSON value per non-blank line. A line that is not valid JSON is a PD5103 problem at the
 * position JSON.parse names (the start of the line when it names none); the other lines are kept.
 */
export function parseJsonLines(file: string, source: string, problems: ProblemList): JsonRows {
  const entries: JsonEntry[] = [];
  let start = 0;
  while (start <= source.length) {
    const newline = source.indexOf('\n', start);
    const end = newline < 0 ? source.length : newline;
    const line = source.slice(start, end);
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '') {
      try {
        entries.push({ value: JSON.parse(line), span: spanAt(source, start + indent, line.trim().length) });
      } catch (err) {
        const at = jsonErrorOffset(err);
        problems.addAt(file, source, 'PD5103', `not a JSON value: ${jsonErrorText(err)}`, start + (at ?? indent));
      }
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  return { file, source, entries };
}

/** The character offset V8 names in a JSON.parse error ("... at position 12"), if it names one. */
export function jsonErrorOffset(err: unknown): number | undefined {
  const match = /at position (\d+)/.exec(err instanceof Error ? err.message : '');
  return match ? Number(match[1]) : undefined;
}

/** JSON.parse's message without its "in JSON at position N" tail, which the file:line:col already says. */
export function jsonErrorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
}
