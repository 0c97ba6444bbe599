import { formatDiagnostic, type Diagnostic, type Span } from '../errors/diagnostic.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { PredictdError } from '../errors/predictd-error.js';
import { SourcePosition } from '../sql/source-position.js';

/** One problem of a test run's inputs, in whichever file it sits (definition, fixture, mock, job). */
export interface TestProblem {
  readonly file: string;
  readonly source: string;
  readonly diagnostic: Diagnostic;
}

/** A test that cannot run as defined: every problem at once, each as `file:line:col: message [CODE]`. */
export class TestDefinitionError extends PredictdError {
  readonly problems: readonly TestProblem[];

  constructor(problems: readonly TestProblem[]) {
    super(problems[0]?.diagnostic.code ?? 'PD5101', problems.map((p) => formatDiagnostic(p.file, p.source, p.diagnostic)).join('\n'));
    this.problems = problems;
  }
}

/** Collects problems while a test is loaded, so one run reports all of them. */
export class ProblemList {
  readonly #problems: TestProblem[] = [];

  get count(): number {
    return this.#problems.length;
  }

  add(file: string, source: string, code: ErrorCode, message: string, span: Span): void {
    this.#problems.push({ file, source, diagnostic: { code, message, span } });
  }

  /** A problem at a character offset of a file (0 when nothing better is known: line 1, col 1). */
  addAt(file: string, source: string, code: ErrorCode, message: string, offset: number, length = 1): void {
    this.add(file, source, code, message, spanAt(source, offset, length));
  }

  throwIfAny(): void {
    if (this.#problems.length > 0) throw new TestDefinitionError(this.#problems);
  }
}

export function spanAt(source: string, offset: number, length = 1): Span {
  const start = Math.max(0, Math.min(offset, source.length));
  return new SourcePosition(source).span(start, Math.min(source.length, start + Math.max(1, length)));
}
