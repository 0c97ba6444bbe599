import type { ErrorCode } from './error-codes.js';
import { PredictdError } from './predictd-error.js';

/** A region of a source text. Offsets are 0-based UTF-16 indexes; line and col are 1-based. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  readonly code: ErrorCode;
  readonly message: string;
  readonly span: Span;
}

/** All diagnostics of one source file, raised together. */
export class DiagnosticsError extends PredictdError {
  readonly diagnostics: readonly Diagnostic[];
  readonly file: string;
  readonly source: string;

  constructor(file: string, source: string, diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(first?.code ?? 'PD1003', formatDiagnostics(file, source, diagnostics));
    this.diagnostics = diagnostics;
    this.file = file;
    this.source = source;
  }
}

/** `file:line:col: message [CODE]`, then the source line and a caret under the column. */
export function formatDiagnostic(file: string, source: string, d: Diagnostic): string {
  const lines = source.split(/\r?\n/);
  const text = lines[d.span.line - 1] ?? '';
  const width = Math.max(1, Math.min(d.span.end - d.span.start, text.length - d.span.col + 1));
  const pad = text.slice(0, d.span.col - 1).replace(/[^\t]/g, ' ');
  return `${file}:${d.span.line}:${d.span.col}: ${d.message} [${d.code}]\n  ${text}\n  ${pad}${'^'.repeat(width)}`;
}

export function formatDiagnostics(file: string, source: string, ds: readonly Diagnostic[]): string {
  return ds.map((d) => formatDiagnostic(file, source, d)).join('\n');
}
