import { DiagnosticsError, type Diagnostic } from '../../errors/diagnostic.js';
import type { Expr } from '../ast/expr.js';
import type { Statement } from '../ast/statement.js';
import { tokenize } from '../tokenizer.js';
import { parseExpr } from './expr-parser.js';
import { ParseError } from './parse-error.js';
import { Parser } from './parser.js';
import { parseStatement } from './statement-parsers.js';

export interface ParseScriptResult {
  readonly statements: Statement[];
  /** Every tokenizer and parser error of the file, in source order. Empty means success. */
  readonly diagnostics: Diagnostic[];
  readonly file: string;
  readonly source: string;
}

/**
 * Parses a job file. Never throws on bad SQL: each broken statement adds one diagnostic and
 * parsing resumes after the next top-level `;`, so a file reports all its errors at once.
 */
export function parseScript(source: string, file: string): ParseScriptResult {
  const { tokens, diagnostics: lexical } = tokenize(source);
  const p = new Parser(tokens);
  const statements: Statement[] = [];
  while (!p.atEnd()) {
    if (p.matchSymbol(';')) continue;
    const start = p.mark();
    try {
      const statement = parseStatement(p);
      if (!p.atEnd()) p.expectSymbol(';');
      statements.push(statement);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      p.report(error);
      if (!error.resynced) resync(p, start);
    }
  }
  const diagnostics = [...lexical, ...p.diagnostics].sort((a, b) => a.span.start - b.span.start);
  return { statements, diagnostics, file, source };
}

/** parseScript, throwing one DiagnosticsError that lists every error. */
export function parseScriptOrThrow(source: string, file: string): Statement[] {
  const result = parseScript(source, file);
  if (result.diagnostics.length > 0) throw new DiagnosticsError(file, source, result.diagnostics);
  return result.statements;
}

/** Parses one expression (tests, tools); throws DiagnosticsError on any error. */
export function parseExpression(source: string, file = '<expression>'): Expr {
  const { tokens, diagnostics } = tokenize(source);
  const p = new Parser(tokens);
  let expr: Expr | null = null;
  try {
    expr = parseExpr(p);
    if (!p.atEnd()) p.unexpected('the end of the expression');
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    p.report(error);
  }
  const all = [...diagnostics, ...p.diagnostics];
  if (all.length > 0 || !expr) throw new DiagnosticsError(file, source, all);
  return expr;
}

/**
 * Moves past the broken statement. A statement set is skipped to its END (an END right after
 * `;` or BEGIN, so CASE ... END does not count); anything else to the next `;`.
 */
function resync(p: Parser, start: number): void {
  if (startsStatementSet(p, start)) {
    p.reset(start);
    let previous = p.advance();
    while (!p.atEnd()) {
      const token = p.advance();
      const closes = token.keyword === 'END' && (previous.value === ';' || previous.keyword === 'BEGIN');
      if (closes && (p.isSymbol(';') || p.atEnd())) {
        p.matchSymbol(';');
        return;
      }
      previous = token;
    }
    return;
  }
  while (!p.atEnd() && !p.matchSymbol(';')) p.advance();
}

function startsStatementSet(p: Parser, start: number): boolean {
  const first = p.tokenAt(start);
  const second = p.tokenAt(start + 1);
  return (first.keyword === 'BEGIN' || first.keyword === 'EXECUTE') && second.keyword === 'STATEMENT';
}
