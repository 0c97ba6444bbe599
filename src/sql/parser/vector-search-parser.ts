import { closestMatch } from '../../spi/did-you-mean.js';
import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from '../ast/expr.js';
import type { IdentifierNode } from '../ast/identifier-node.js';
import type { MapConstructorNode } from '../ast/map-constructor-node.js';
import type { QualifiedNameNode } from '../ast/qualified-name-node.js';
import { VectorSearchNode } from '../ast/vector-search-node.js';
import type { Token } from '../token.js';
import { parseExpr } from './expr-parser.js';
import type { Parser } from './parser.js';

/** Flink 2.2's parameter names, in positional order. */
const PARAMETERS = ['SEARCH_TABLE', 'COLUMN_TO_SEARCH', 'COLUMN_TO_QUERY', 'TOP_K', 'CONFIG'] as const;
type Parameter = (typeof PARAMETERS)[number];

interface Operands {
  table?: QualifiedNameNode;
  columns?: readonly IdentifierNode[];
  query?: Expr;
  topK?: Expr;
  config?: MapConstructorNode;
}

/**
 * `VECTOR_SEARCH(TABLE t, DESCRIPTOR(col), query, top_k [, MAP[...]])` in code order (the Flink
 * 2.2 docs print query and descriptor swapped; the planner's tests and VVR use this order), or
 * the named form in any order. Shape errors are PD1007 at the operand; types and TOP_K's value
 * are the planner's checks, which know the search table.
 */
export function parseVectorSearch(p: Parser, name: Token): VectorSearchNode {
  const fn = name.keyword;
  p.expectSymbol('(');
  const named = p.peek().kind === 'ident' && p.isSymbol('=>', 1);
  const ops = named ? parseNamed(p, fn) : parsePositional(p, fn);
  const close = p.peek();
  p.expectSymbol(')');
  const missing = (param: Parameter, form: string): never => shapeError(p, fn, `missing ${param} => ${form}`, close);
  const table = ops.table ?? missing('SEARCH_TABLE', 'TABLE <table name>');
  const columns = ops.columns ?? missing('COLUMN_TO_SEARCH', 'DESCRIPTOR(<vector column>)');
  const query = ops.query ?? missing('COLUMN_TO_QUERY', '<query vector>');
  const topK = ops.topK ?? missing('TOP_K', '<positive integer>');
  return VectorSearchNode.create({ aggregate: fn === 'VECTOR_SEARCH_AGG', named, table, columns, query, topK, config: ops.config ?? null, span: p.spanFrom(name) });
}

function parsePositional(p: Parser, fn: string): Operands {
  const ops: Operands = {};
  for (const [i, param] of PARAMETERS.entries()) {
    if (i > 0) {
      if (p.isSymbol(')')) {
        if (param === 'CONFIG') break;
        shapeError(p, fn, `takes 4 or 5 operands (${signature(fn)}); ${param} is missing`, p.peek());
      }
      p.expectSymbol(',');
    }
    parseOperand(p, fn, param, ops);
  }
  if (p.isSymbol(',')) shapeError(p, fn, `takes at most 5 operands (${signature(fn)})`, p.peek());
  return ops;
}

function parseNamed(p: Parser, fn: string): Operands {
  const ops: Operands = {};
  const seen = new Set<string>();
  do {
    const token = p.peek();
    if (token.kind !== 'ident' || !p.isSymbol('=>', 1)) p.unexpected('a parameter name followed by =>');
    const param = PARAMETERS.find((x) => x === token.keyword);
    if (!param) {
      const hint = closestMatch(token.keyword, PARAMETERS);
      shapeError(p, fn, `unknown parameter ${token.text}${hint ? `; did you mean ${hint}?` : ''} (the parameters are ${PARAMETERS.join(', ')})`, token);
    }
    if (seen.has(param)) p.raiseError('PD1008', `${fn}: parameter ${param} is given twice`, token);
    seen.add(param);
    p.advance();
    p.advance();
    parseOperand(p, fn, param, ops);
  } while (p.matchSymbol(','));
  return ops;
}

function parseOperand(p: Parser, fn: string, param: Parameter, ops: Operands): void {
  switch (param) {
    case 'SEARCH_TABLE':
      if (!p.isKeyword('TABLE') || !p.isIdentifier(1)) shapeError(p, fn, 'the search table operand must be TABLE <table name>', p.peek());
      p.advance();
      ops.table = p.parseQualifiedName('a table name');
      return;
    case 'COLUMN_TO_SEARCH':
      if (!p.isKeyword('DESCRIPTOR') || !p.isSymbol('(', 1)) shapeError(p, fn, 'the column to search must be given as DESCRIPTOR(<vector column>)', p.peek());
      p.advance();
      ops.columns = p.parseIdentifierList();
      return;
    case 'COLUMN_TO_QUERY':
      ops.query = parseExpr(p);
      return;
    case 'TOP_K':
      ops.topK = parseExpr(p);
      return;
    case 'CONFIG': {
      const config = parseExpr(p);
      if (config.kind !== 'MapConstructorNode') shapeError(p, fn, "the options must be a MAP['key', 'value', ...]", config.span);
      ops.config = config;
      return;
    }
  }
}

function signature(fn: string): string {
  return `${fn}(TABLE search_table, DESCRIPTOR(column_to_search), column_to_query, top_k [, MAP[...]])`;
}

function shapeError(p: Parser, fn: string, message: string, at: Token | Span): never {
  return p.raiseError('PD1007', `${fn}: ${message}`, at);
}
