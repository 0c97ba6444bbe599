import { ExplainNode } from '../ast/explain-node.js';
import { InsertNode } from '../ast/insert-node.js';
import { QueryStatementNode } from '../ast/query-statement-node.js';
import { ResetNode } from '../ast/reset-node.js';
import { SetNode } from '../ast/set-node.js';
import { StatementSetNode } from '../ast/statement-set-node.js';
import type { Token } from '../token.js';
import { ParseError } from './parse-error.js';
import type { Parser } from './parser.js';
import { isQueryStart, parseQuery } from './query-parser.js';

/** INSERT INTO table [(cols)] query. */
export function parseInsert(p: Parser): InsertNode {
  const start = p.expectKeyword('INSERT');
  if (p.isKeyword('OVERWRITE')) p.unsupported('INSERT OVERWRITE', p.peek());
  p.expectKeyword('INTO');
  const table = p.parseQualifiedName('a table name');
  if (p.isKeyword('PARTITION') && p.isSymbol('(', 1)) p.unsupported('INSERT ... PARTITION', p.peek());
  const columns = p.isSymbol('(') && !isQueryStart(p, 1) ? p.parseIdentifierList() : null;
  const query = parseQuery(p);
  return InsertNode.create({ table, columns, query, span: p.spanFrom(start) });
}

/** A SELECT, VALUES or UNION ALL run on its own. */
export function parseQueryStatement(p: Parser): QueryStatementNode {
  const start = p.peek();
  const query = parseQuery(p);
  return QueryStatementNode.create({ query, span: p.spanFrom(start) });
}

/** BEGIN STATEMENT SET; INSERT ...; ... END */
export function parseBeginStatementSet(p: Parser): StatementSetNode {
  const start = p.expectKeyword('BEGIN');
  p.expectKeywords('STATEMENT', 'SET');
  p.expectSymbol(';');
  return parseStatementSetBody(p, start, 'BEGIN');
}

/** EXECUTE STATEMENT SET BEGIN INSERT ...; ... END, or EXECUTE INSERT ... (same as INSERT). */
export function parseExecute(p: Parser): StatementSetNode | InsertNode {
  const start = p.expectKeyword('EXECUTE');
  if (p.isKeyword('INSERT')) return parseInsert(p);
  p.expectKeywords('STATEMENT', 'SET', 'BEGIN');
  return parseStatementSetBody(p, start, 'EXECUTE');
}

/**
 * The INSERTs up to END. An error inside one INSERT is recorded and parsing resumes at the
 * next INSERT, so every error of the set is reported at once.
 */
function parseStatementSetBody(p: Parser, start: Token, syntax: StatementSetNode['syntax']): StatementSetNode {
  const inserts: InsertNode[] = [];
  let failed = false;
  while (!p.matchKeyword('END')) {
    if (p.matchSymbol(';')) continue;
    try {
      if (!p.isKeyword('INSERT')) {
        if (p.atEnd()) p.unexpected('END to close the statement set');
        p.raiseError('PD1010', 'only INSERT statements are allowed inside a statement set', p.peek());
      }
      inserts.push(parseInsert(p));
      if (!p.isKeyword('END')) p.expectSymbol(';');
    } catch (error) {
      if (!(error instanceof ParseError) || p.atEnd()) throw error;
      p.report(error);
      failed = true;
      skipPastSemicolon(p);
    }
  }
  if (failed) throw new ParseError(null, true);
  if (inserts.length === 0) p.raiseError('PD1003', 'a statement set needs at least one INSERT', p.spanFrom(start));
  return StatementSetNode.create({ syntax, inserts, span: p.spanFrom(start) });
}

/** Skips to just after the next `;` (or to the end). */
export function skipPastSemicolon(p: Parser): void {
  while (!p.atEnd() && !p.matchSymbol(';')) p.advance();
}

/** SET, SET 'key' = 'value', or SET key.with.dots = value (unquoted, no spaces). */
export function parseSet(p: Parser): SetNode {
  const start = p.expectKeyword('SET');
  if (p.isSymbol(';') || p.atEnd()) return SetNode.create({ key: null, value: null, span: start.span });
  const key = parseSettingText(p, 'a configuration key');
  p.expectSymbol('=');
  const value = parseSettingText(p, 'a configuration value');
  return SetNode.create({ key, value, span: p.spanFrom(start) });
}

/** RESET or RESET 'key'. */
export function parseReset(p: Parser): ResetNode {
  const start = p.expectKeyword('RESET');
  if (p.isSymbol(';') || p.atEnd()) return ResetNode.create({ key: null, span: start.span });
  const key = parseSettingText(p, 'a configuration key');
  return ResetNode.create({ key, span: p.spanFrom(start) });
}

/** A quoted string, or the unquoted run of touching tokens (`table.exec.async-ml-predict.timeout`, `3min`). */
function parseSettingText(p: Parser, what: string): string {
  if (p.peek().kind === 'string') return p.advance().value;
  const first = p.peek();
  if (first.kind !== 'ident' && first.kind !== 'number') p.unexpected(what);
  let text = p.advance().text;
  while (isSettingPart(p.peek()) && p.peek().span.start === p.previous.span.end) text += p.advance().text;
  return text;
}

function isSettingPart(token: Token): boolean {
  if (token.kind === 'ident' || token.kind === 'number') return true;
  return token.kind === 'symbol' && (token.value === '.' || token.value === '-');
}

/** EXPLAIN [PLAN FOR] INSERT ... | query | statement set. */
export function parseExplain(p: Parser): ExplainNode {
  const start = p.expectKeyword('EXPLAIN');
  p.matchKeywords('PLAN', 'FOR');
  let statement: ExplainNode['statement'];
  if (p.isKeyword('INSERT')) statement = parseInsert(p);
  else if (p.isKeyword('BEGIN')) statement = parseBeginStatementSet(p);
  else if (p.isKeyword('EXECUTE')) statement = parseExecute(p);
  else if (isQueryStart(p)) statement = parseQueryStatement(p);
  else return p.unexpected('INSERT, SELECT or a statement set');
  return ExplainNode.create({ statement, span: p.spanFrom(start) });
}
