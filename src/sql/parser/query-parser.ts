import type { Query } from '../ast/query.js';
import type { SelectListItem } from '../ast/select-list-item.js';
import { SelectItemNode } from '../ast/select-item-node.js';
import { SelectNode } from '../ast/select-node.js';
import { SelectStarNode } from '../ast/select-star-node.js';
import { QualifiedNameNode } from '../ast/qualified-name-node.js';
import { UnionAllNode } from '../ast/union-all-node.js';
import { ValuesNode } from '../ast/values-node.js';
import { ValuesRowNode } from '../ast/values-row-node.js';
import type { IdentifierNode } from '../ast/identifier-node.js';
import { parseExpr } from './expr-parser.js';
import { parseFrom } from './from-parser.js';
import type { Parser } from './parser.js';
import { rejectUnsupportedClause } from './unsupported-clauses.js';

/** True when the next token starts a query (after `(` or AS). */
export function isQueryStart(p: Parser, offset = 0): boolean {
  const token = p.peek(offset);
  return token.keyword === 'SELECT' || token.keyword === 'VALUES' || token.keyword === 'WITH' || p.isSymbol('(', offset);
}

/** SELECT / VALUES / (query), joined by UNION ALL. */
export function parseQuery(p: Parser): Query {
  const start = p.peek();
  if (start.keyword === 'WITH') p.unsupported('a common table expression (WITH ... AS)', start);
  const inputs = [parseQueryTerm(p)];
  for (;;) {
    if (p.matchKeywords('UNION', 'ALL')) {
      inputs.push(parseQueryTerm(p));
      continue;
    }
    const token = p.peek();
    if (token.keyword === 'UNION') p.unsupported('UNION without ALL (deduplication)', token);
    if (token.keyword === 'INTERSECT' || token.keyword === 'EXCEPT' || token.keyword === 'MINUS') {
      p.unsupported(token.keyword, token);
    }
    break;
  }
  rejectUnsupportedClause(p);
  return inputs.length === 1 ? inputs[0] : UnionAllNode.create({ inputs, span: p.spanFrom(start) });
}

function parseQueryTerm(p: Parser): Query {
  if (p.isKeyword('SELECT')) return parseSelect(p);
  if (p.isKeyword('VALUES')) return parseValues(p);
  if (p.matchSymbol('(')) {
    const query = parseQuery(p);
    p.expectSymbol(')');
    return query;
  }
  return p.unexpected('SELECT or VALUES');
}

function parseSelect(p: Parser): SelectNode {
  const start = p.expectKeyword('SELECT');
  const distinct = p.matchKeyword('DISTINCT') !== null;
  if (!distinct) p.matchKeyword('ALL');
  const items = p.parseCommaList(() => parseSelectListItem(p));
  const from = p.matchKeyword('FROM') ? parseFrom(p) : [];
  const where = p.matchKeyword('WHERE') ? parseExpr(p) : null;
  rejectUnsupportedClause(p);
  return SelectNode.create({ distinct, items, from, where, span: p.spanFrom(start) });
}

/** `*`, `t.*`, or `expr [[AS] alias]`. */
function parseSelectListItem(p: Parser): SelectListItem {
  const start = p.peek();
  if (p.matchSymbol('*')) return SelectStarNode.create({ qualifier: null, span: start.span });
  const qualifierLength = starQualifierLength(p);
  if (qualifierLength > 0) {
    const parts: IdentifierNode[] = [];
    for (let i = 0; i < qualifierLength; i++) {
      parts.push(p.parseIdentifier());
      p.expectSymbol('.');
    }
    const qualifier = QualifiedNameNode.create({ parts, span: p.spanFrom(start) });
    p.expectSymbol('*');
    return SelectStarNode.create({ qualifier, span: p.spanFrom(start) });
  }
  const expr = parseExpr(p);
  const alias = parseOptionalAlias(p);
  return SelectItemNode.create({ expr, alias, span: p.spanFrom(start) });
}

/** How many names precede `.*` (`t.*` -> 1, `db.t.*` -> 2), or 0 when this is not a star. */
function starQualifierLength(p: Parser): number {
  let offset = 0;
  while (p.isIdentifier(offset) && p.isSymbol('.', offset + 1)) {
    if (p.isSymbol('*', offset + 2)) return offset / 2 + 1;
    offset += 2;
  }
  return 0;
}

/** `AS name`, or a bare name that is not a reserved word (`SELECT 1 id, 'x' text`). */
export function parseOptionalAlias(p: Parser): IdentifierNode | null {
  if (p.matchKeyword('AS')) return p.parseIdentifier('an alias');
  // `offset` is a fine column name, but `OFFSET 10` is the (unsupported) clause.
  if (p.isKeyword('OFFSET') && p.peek(1).kind === 'number') return null;
  return p.isIdentifier() ? p.parseIdentifier('an alias') : null;
}

function parseValues(p: Parser): ValuesNode {
  const start = p.expectKeyword('VALUES');
  const rows = p.parseCommaList(() => {
    const open = p.peek();
    const values = p.parseParenList(() => parseExpr(p));
    return ValuesRowNode.create({ values, span: p.spanFrom(open) });
  });
  return ValuesNode.create({ rows, span: p.spanFrom(start) });
}
