import type { Statement } from '../ast/statement.js';
import { parseAlter, parseDescribe, parseDrop, parseShow } from './catalog-statement-parser.js';
import type { CreatePrefix } from './create-prefix.js';
import { parseCreateTable } from './create-table-parser.js';
import { parseCreateConnection, parseCreateModel, parseCreateView } from './ddl-parser.js';
import {
  parseBeginStatementSet,
  parseExecute,
  parseExplain,
  parseInsert,
  parseQueryStatement,
  parseReset,
  parseSet,
} from './dml-parser.js';
import type { Parser } from './parser.js';

export type StatementParser = (p: Parser) => Statement;
export type CreateParser = (p: Parser, prefix: CreatePrefix) => Statement;

/** Statement parsers keyed by their leading keyword; the cursor is on that keyword. */
export const STATEMENT_PARSERS: Readonly<Record<string, StatementParser>> = {
  CREATE: parseCreate,
  ALTER: parseAlter,
  DROP: parseDrop,
  SHOW: parseShow,
  DESCRIBE: parseDescribe,
  DESC: parseDescribe,
  SET: parseSet,
  RESET: parseReset,
  INSERT: parseInsert,
  SELECT: parseQueryStatement,
  VALUES: parseQueryStatement,
  WITH: parseQueryStatement,
  BEGIN: parseBeginStatementSet,
  EXECUTE: parseExecute,
  EXPLAIN: parseExplain,
};

/** CREATE [OR REPLACE] [TEMPORARY] <kind>: parsers keyed by kind; the cursor is on the kind. */
export const CREATE_PARSERS: Readonly<Record<string, CreateParser>> = {
  TABLE: parseCreateTable,
  VIEW: parseCreateView,
  MODEL: parseCreateModel,
  CONNECTION: parseCreateConnection,
};

/** Flink statements and CREATE kinds that exist but that predictd does not run. */
const UNSUPPORTED_STATEMENTS: ReadonlySet<string> = new Set([
  'USE', 'LOAD', 'UNLOAD', 'ANALYZE', 'TRUNCATE', 'UPDATE', 'DELETE', 'ADD', 'REMOVE', 'CALL', 'MERGE', 'UPSERT',
  'REPLACE', 'COMPILE', 'STOP', 'CLEAR', 'QUIT', 'EXIT', 'HELP', 'DECLARE', 'FOR',
]);
const UNSUPPORTED_CREATE_KINDS: ReadonlySet<string> = new Set([
  'FUNCTION', 'CATALOG', 'DATABASE', 'SCHEMA', 'SYSTEM', 'MATERIALIZED', 'INDEX',
]);

export function parseStatement(p: Parser): Statement {
  const token = p.peek();
  if (p.isSymbol('(')) return parseQueryStatement(p);
  const parse = token.kind === 'ident' && Object.hasOwn(STATEMENT_PARSERS, token.keyword) ? STATEMENT_PARSERS[token.keyword] : undefined;
  if (parse) return parse(p);
  if (UNSUPPORTED_STATEMENTS.has(token.keyword)) p.unsupported(`the ${token.keyword} statement`, token);
  return p.unexpected('a statement (CREATE, INSERT, SELECT, SET, ...)');
}

function parseCreate(p: Parser): Statement {
  const start = p.expectKeyword('CREATE');
  const orReplace = p.isKeywords('OR', 'REPLACE') ? p.peek() : null;
  if (orReplace) p.expectKeywords('OR', 'REPLACE');
  const temporary = p.matchKeyword('TEMPORARY');
  const kind = p.peek();
  const parse = kind.kind === 'ident' && Object.hasOwn(CREATE_PARSERS, kind.keyword) ? CREATE_PARSERS[kind.keyword] : undefined;
  if (parse) return parse(p, { start, orReplace, temporary });
  if (UNSUPPORTED_CREATE_KINDS.has(kind.keyword)) p.unsupported(`CREATE ${kind.keyword}`, kind);
  return p.unexpected('TABLE, VIEW, MODEL or CONNECTION');
}
