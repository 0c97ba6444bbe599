import { ArrayConstructorNode } from '../ast/array-constructor-node.js';
import { BooleanLiteralNode } from '../ast/boolean-literal-node.js';
import { CaseNode } from '../ast/case-node.js';
import { ColumnRefNode } from '../ast/column-ref-node.js';
import type { Expr } from '../ast/expr.js';
import { FunctionCallNode } from '../ast/function-call-node.js';
import { IdentifierNode } from '../ast/identifier-node.js';
import { MapConstructorNode } from '../ast/map-constructor-node.js';
import { NullLiteralNode } from '../ast/null-literal-node.js';
import { NumberLiteralNode } from '../ast/number-literal-node.js';
import { RowConstructorNode } from '../ast/row-constructor-node.js';
import { StringLiteralNode } from '../ast/string-literal-node.js';
import { WhenNode } from '../ast/when-node.js';
import { assertNever } from '../../types/data-type.js';
import type { Token } from '../token.js';
import { parseExpr } from './expr-parser.js';
import { parseIntervalLiteral, parseTemporalLiteral } from './literal-parser.js';
import type { Parser } from './parser.js';
import { findSpecialFunction } from './special-function-parser.js';
import { findTableFunction } from './table-functions.js';

/** An expression form introduced by a keyword; `applies` looks ahead so the word can still be a column name. */
interface PrimaryRule {
  applies(p: Parser): boolean;
  parse(p: Parser, start: Token): Expr;
}

const always = (): boolean => true;
const followedBy = (symbol: string) => (p: Parser) => p.isSymbol(symbol, 1);
const followedByString = (p: Parser): boolean => p.peek(1).kind === 'string';
const notFollowedBy = (symbol: string) => (p: Parser) => !p.isSymbol(symbol, 1);

/** Calls written without parentheses. */
const NILADIC_FUNCTIONS = ['CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP'];

const PRIMARY_RULES: Readonly<Record<string, PrimaryRule>> = {
  TRUE: { applies: always, parse: (_p, t) => BooleanLiteralNode.create({ value: true, span: t.span }) },
  FALSE: { applies: always, parse: (_p, t) => BooleanLiteralNode.create({ value: false, span: t.span }) },
  NULL: { applies: always, parse: (_p, t) => NullLiteralNode.create({ span: t.span }) },
  CASE: { applies: always, parse: parseCase },
  EXISTS: { applies: always, parse: (p, t) => p.unsupported('EXISTS with a subquery', t) },
  DATE: { applies: followedByString, parse: (p, t) => parseTemporalLiteral(p, t, 'DATE') },
  TIME: { applies: followedByString, parse: (p, t) => parseTemporalLiteral(p, t, 'TIME') },
  TIMESTAMP: { applies: followedByString, parse: (p, t) => parseTemporalLiteral(p, t, 'TIMESTAMP') },
  INTERVAL: { applies: (p) => p.peek(1).kind === 'string' || p.peek(1).kind === 'number', parse: parseIntervalLiteral },
  MAP: { applies: followedBy('['), parse: parseMapConstructor },
  ARRAY: { applies: followedBy('['), parse: parseArrayConstructor },
  ROW: { applies: followedBy('('), parse: parseRowConstructor },
  ...Object.fromEntries(
    NILADIC_FUNCTIONS.map((name) => [name, { applies: notFollowedBy('('), parse: parseNiladicCall } satisfies PrimaryRule]),
  ),
};

/** Literals, names, calls, CASE, constructors and parenthesised expressions. */
export function parsePrimary(p: Parser): Expr {
  const token = p.peek();
  switch (token.kind) {
    case 'number':
      p.advance();
      return NumberLiteralNode.create({ value: token.value, span: token.span });
    case 'string':
      p.advance();
      return StringLiteralNode.create({ value: token.value, span: token.span });
    case 'quoted_ident':
      return parseColumnRef(p);
    case 'symbol':
      if (token.value === '(') return parseParenthesised(p);
      return p.unexpected('an expression');
    case 'ident': {
      const rule = PRIMARY_RULES[token.keyword];
      if (rule?.applies(p)) return rule.parse(p, p.advance());
      if (p.isSymbol('(', 1)) return parseCall(p);
      if (!p.isIdentifier()) p.unexpected('an expression');
      return parseColumnRef(p);
    }
    case 'eof':
    case 'invalid':
      return p.unexpected('an expression');
    default:
      return assertNever(token.kind, 'token kind');
  }
}

/** `a`, `t.a`, `t.a.b`: any word may follow a dot. */
function parseColumnRef(p: Parser): Expr {
  const parts: IdentifierNode[] = [p.parseIdentifier()];
  while (p.isSymbol('.') && (p.peek(1).kind === 'ident' || p.peek(1).kind === 'quoted_ident')) {
    p.advance();
    const token = p.advance();
    parts.push(IdentifierNode.create({ name: token.value, span: token.span }));
  }
  return ColumnRefNode.create({ parts, span: p.spanFrom(parts[0].span) });
}

function parseParenthesised(p: Parser): Expr {
  const open = p.advance();
  if (p.isKeyword('SELECT') || p.isKeyword('VALUES') || p.isKeyword('WITH')) {
    p.unsupported('a subquery inside an expression', p.peek());
  }
  const inner = parseExpr(p);
  if (p.isSymbol(',')) p.unsupported('a row written as (a, b, ...) (use ROW(a, b, ...))', open);
  p.expectSymbol(')');
  return inner;
}

/** `name(args)`: special syntax (CAST, TRIM ...), ML_PREDICT as a scalar, or a plain call. */
function parseCall(p: Parser): Expr {
  const name = p.advance();
  const special = findSpecialFunction(name.keyword);
  if (special) return special(p, name);
  const tableFunction = findTableFunction(p, name.keyword, 'expr');
  if (tableFunction) {
    const call = tableFunction.parse(p, name);
    // Only ML_PREDICT has a scalar entry; a table-only function here is a FROM item written in a select list.
    return call.kind === 'MlPredictNode' ? call : p.unsupported(`${name.keyword} in a select list (it is a table function: use it in FROM)`, name);
  }
  p.expectSymbol('(');
  const quantifier = p.peek();
  if (quantifier.keyword === 'DISTINCT' || quantifier.keyword === 'ALL') {
    p.unsupported(`the aggregate call ${name.keyword}(${quantifier.keyword} ...)`, quantifier);
  }
  if (p.isSymbol('*')) p.unsupported(`the aggregate call ${name.keyword}(*)`, name);
  const args = p.isSymbol(')') ? [] : p.parseCommaList(() => parseExpr(p));
  p.expectSymbol(')');
  if (p.isKeyword('OVER')) p.unsupported('an OVER window', p.peek());
  if (p.isKeyword('FILTER') && p.isSymbol('(', 1)) p.unsupported('an aggregate FILTER clause', p.peek());
  return FunctionCallNode.create({ name: name.keyword, args, niladic: false, span: p.spanFrom(name) });
}

function parseNiladicCall(_p: Parser, name: Token): Expr {
  return FunctionCallNode.create({ name: name.keyword, args: [], niladic: true, span: name.span });
}

/** Searched `CASE WHEN c THEN r ... [ELSE e] END` or simple `CASE x WHEN v THEN r ... END`. */
function parseCase(p: Parser, start: Token): Expr {
  const operand = p.isKeyword('WHEN') ? null : parseExpr(p);
  const whens: WhenNode[] = [];
  do {
    const when = p.expectKeyword('WHEN');
    const condition = parseExpr(p);
    p.expectKeyword('THEN');
    const result = parseExpr(p);
    whens.push(WhenNode.create({ condition, result, span: p.spanFrom(when) }));
  } while (p.isKeyword('WHEN'));
  const elseResult = p.matchKeyword('ELSE') ? parseExpr(p) : null;
  p.expectKeyword('END');
  return CaseNode.create({ operand, whens, elseResult, span: p.spanFrom(start) });
}

function parseBracketList(p: Parser): Expr[] {
  p.expectSymbol('[');
  const items = p.isSymbol(']') ? [] : p.parseCommaList(() => parseExpr(p));
  p.expectSymbol(']');
  return items;
}

function parseMapConstructor(p: Parser, start: Token): Expr {
  const entries = parseBracketList(p);
  if (entries.length % 2 !== 0) {
    p.raiseError('PD1007', `MAP[...] takes key/value pairs, got ${entries.length} elements`, p.spanFrom(start));
  }
  return MapConstructorNode.create({ entries, span: p.spanFrom(start) });
}

function parseArrayConstructor(p: Parser, start: Token): Expr {
  const elements = parseBracketList(p);
  return ArrayConstructorNode.create({ elements, span: p.spanFrom(start) });
}

function parseRowConstructor(p: Parser, start: Token): Expr {
  p.expectSymbol('(');
  const fields = p.isSymbol(')') ? [] : p.parseCommaList(() => parseExpr(p));
  p.expectSymbol(')');
  return RowConstructorNode.create({ fields, span: p.spanFrom(start) });
}
