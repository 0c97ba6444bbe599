import { AliasNode } from '../ast/alias-node.js';
import { SubqueryRefNode } from '../ast/subquery-ref-node.js';
import type { TableFunctionCall } from '../ast/table-function-call.js';
import { TableFunctionRefNode } from '../ast/table-function-ref-node.js';
import { TableNameRefNode } from '../ast/table-name-ref-node.js';
import { UnnestRefNode } from '../ast/unnest-ref-node.js';
import { parseExpr } from './expr-parser.js';
import type { TableRef } from '../ast/table-ref.js';
import type { Parser } from './parser.js';
import { isQueryStart, parseOptionalAlias, parseQuery } from './query-parser.js';
import { findTableFunction, type TableFunctionPosition } from './table-functions.js';
import { rejectUnsupportedFromClause } from './unsupported-clauses.js';

/**
 * The items after FROM, separated by commas or by `CROSS JOIN` before UNNEST or LATERAL TABLE
 * (a lateral item reads the row before it; both separators mean the same, the printer writes
 * CROSS JOIN before UNNEST). A CROSS JOIN of two tables stays PD1005.
 */
export function parseFrom(p: Parser): TableRef[] {
  const refs = [parseTableRef(p)];
  for (;;) {
    if (p.matchSymbol(',')) refs.push(parseTableRef(p));
    else if (isCrossJoinLateral(p)) {
      p.advance();
      p.advance();
      refs.push(parseTableRef(p));
    } else return refs;
  }
}

function isCrossJoinLateral(p: Parser): boolean {
  return p.isKeywords('CROSS', 'JOIN') && ((p.peek(2).keyword === 'UNNEST' && p.isSymbol('(', 3)) || p.peek(2).keyword === 'LATERAL');
}

function parseTableRef(p: Parser): TableRef {
  const start = p.peek();
  let ref: TableRef;
  if (p.matchKeyword('LATERAL')) {
    if (p.isSymbol('(')) p.unsupported('a LATERAL subquery', start);
    p.expectKeyword('TABLE');
    const call = parseWrappedTableFunction(p, 'lateral');
    ref = TableFunctionRefNode.create({ call, alias: parseAlias(p), span: p.spanFrom(start) });
  } else if (p.isKeyword('TABLE') && p.isSymbol('(', 1)) {
    p.advance();
    const call = parseWrappedTableFunction(p, 'from');
    ref = TableFunctionRefNode.create({ call, alias: parseAlias(p), span: p.spanFrom(start) });
  } else if (p.isSymbol('(')) {
    if (!isQueryStart(p, 1)) p.unexpected("'(' followed by a query");
    p.advance();
    const query = parseQuery(p);
    p.expectSymbol(')');
    ref = SubqueryRefNode.create({ query, alias: parseAlias(p), span: p.spanFrom(start) });
  } else if (start.kind === 'ident' && p.isSymbol('(', 1)) {
    if (start.keyword === 'UNNEST') return parseUnnest(p);
    const call = parseTableFunction(p, 'from');
    ref = TableFunctionRefNode.create({ call, alias: parseAlias(p), span: p.spanFrom(start) });
  } else {
    const name = p.parseQualifiedName('a table name');
    rejectFromClause(p);
    ref = TableNameRefNode.create({ name, alias: parseAlias(p), span: p.spanFrom(start) });
  }
  rejectFromClause(p);
  return ref;
}

/** A join after a FROM item is PD1005, but not the CROSS JOIN that introduces UNNEST or LATERAL TABLE. */
function rejectFromClause(p: Parser): void {
  if (!isCrossJoinLateral(p)) rejectUnsupportedFromClause(p);
}

/** `UNNEST(expr) [WITH ORDINALITY] [AS] alias[(cols)]`; the cursor is on UNNEST. */
function parseUnnest(p: Parser): UnnestRefNode {
  const start = p.advance();
  p.expectSymbol('(');
  const collection = parseExpr(p);
  if (p.isSymbol(',')) p.unsupported('UNNEST of several collections at once', p.peek());
  p.expectSymbol(')');
  const ordinality = p.matchKeywords('WITH', 'ORDINALITY');
  const ref = UnnestRefNode.create({ collection, ordinality, alias: parseAlias(p), span: p.spanFrom(start) });
  rejectFromClause(p);
  return ref;
}

/** `( name(...) )` after TABLE or LATERAL TABLE. */
function parseWrappedTableFunction(p: Parser, position: TableFunctionPosition): TableFunctionCall {
  p.expectSymbol('(');
  if (p.peek().kind !== 'ident' || !p.isSymbol('(', 1)) p.unexpected('a table function call');
  const call = parseTableFunction(p, position);
  p.expectSymbol(')');
  return call;
}

function parseTableFunction(p: Parser, position: TableFunctionPosition): TableFunctionCall {
  const name = p.advance();
  const entry = findTableFunction(p, name.keyword, position);
  if (!entry) p.unsupported(`the table function ${name.text}`, name);
  return entry.parse(p, name);
}

/** `[AS] name [(col, ...)]`. */
function parseAlias(p: Parser): AliasNode | null {
  const start = p.peek();
  const name = parseOptionalAlias(p);
  if (!name) return null;
  const columns = p.isSymbol('(') ? p.parseIdentifierList() : null;
  return AliasNode.create({ name, columns, span: p.spanFrom(start) });
}
