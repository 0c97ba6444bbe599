import type { BinaryOperator } from '../ast/binary-operator.js';
import { BetweenNode } from '../ast/between-node.js';
import { BinaryNode } from '../ast/binary-node.js';
import type { Expr } from '../ast/expr.js';
import { FieldAccessNode } from '../ast/field-access-node.js';
import { IdentifierNode } from '../ast/identifier-node.js';
import { InListNode } from '../ast/in-list-node.js';
import { IsDistinctFromNode } from '../ast/is-distinct-from-node.js';
import { IsNode } from '../ast/is-node.js';
import { LikeNode } from '../ast/like-node.js';
import { SubscriptNode } from '../ast/subscript-node.js';
import { UnaryNode } from '../ast/unary-node.js';
import { BINARY_PRECEDENCE, PRECEDENCE } from '../precedence.js';
import type { Parser } from './parser.js';
import { parsePrimary } from './primary-expr-parser.js';

/** How an operator that follows an expression continues it (Pratt "led"). */
interface InfixRule {
  readonly bp: number;
  parse(p: Parser, left: Expr): Expr;
}

/**
 * Pratt parser over Flink's precedence (see precedence.ts). `minBp` is the weakest operator
 * that may continue the expression; binary operators parse their right side one level up,
 * so they associate to the left.
 */
export function parseExpr(p: Parser, minBp = 0): Expr {
  let left = parsePrefix(p);
  for (;;) {
    const rule = infixRuleAt(p);
    if (!rule || rule.bp < minBp) return left;
    left = rule.parse(p, left);
  }
}

function parsePrefix(p: Parser): Expr {
  const start = p.peek();
  if (p.matchKeyword('NOT')) {
    const operand = parseExpr(p, PRECEDENCE.NOT);
    return UnaryNode.create({ op: 'NOT', operand, span: p.spanFrom(start) });
  }
  if (p.isSymbol('-') || p.isSymbol('+')) {
    const op = p.advance().value === '-' ? '-' : '+';
    const operand = parseExpr(p, PRECEDENCE.UNARY);
    return UnaryNode.create({ op, operand, span: p.spanFrom(start) });
  }
  return parsePrimary(p);
}

const SYMBOL_OPERATORS: Readonly<Record<string, BinaryOperator>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '||': '||',
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

const KEYWORD_RULES: Readonly<Record<string, InfixRule>> = {
  AND: binaryRule('AND'),
  OR: binaryRule('OR'),
  IS: { bp: PRECEDENCE.IS, parse: parseIs },
  LIKE: { bp: PRECEDENCE.PREDICATE, parse: (p, left) => parseLike(p, left, false) },
  IN: { bp: PRECEDENCE.PREDICATE, parse: (p, left) => parseIn(p, left, false) },
  BETWEEN: { bp: PRECEDENCE.PREDICATE, parse: (p, left) => parseBetween(p, left, false) },
  SIMILAR: { bp: PRECEDENCE.PREDICATE, parse: (p) => p.unsupported('SIMILAR TO', p.peek()) },
};

/** `x NOT LIKE ...`, `x NOT IN (...)`, `x NOT BETWEEN ...`. */
const NOT_RULES: Readonly<Record<string, InfixRule>> = {
  LIKE: { bp: PRECEDENCE.PREDICATE, parse: (p, left) => parseLike(p, left, true) },
  IN: { bp: PRECEDENCE.PREDICATE, parse: (p, left) => parseIn(p, left, true) },
  BETWEEN: { bp: PRECEDENCE.PREDICATE, parse: (p, left) => parseBetween(p, left, true) },
  SIMILAR: { bp: PRECEDENCE.PREDICATE, parse: (p) => p.unsupported('SIMILAR TO', p.peek(1)) },
};

const SUBSCRIPT_RULE: InfixRule = { bp: PRECEDENCE.POSTFIX, parse: parseSubscript };
const FIELD_RULE: InfixRule = { bp: PRECEDENCE.POSTFIX, parse: parseFieldAccess };

function infixRuleAt(p: Parser): InfixRule | null {
  const token = p.peek();
  if (token.kind === 'symbol') {
    if (token.value === '[') return SUBSCRIPT_RULE;
    if (token.value === '.') return FIELD_RULE;
    const op = SYMBOL_OPERATORS[token.value];
    return op ? binaryRule(op) : null;
  }
  if (token.kind !== 'ident') return null;
  if (token.keyword === 'NOT') return NOT_RULES[p.peek(1).keyword] ?? null;
  return KEYWORD_RULES[token.keyword] ?? null;
}

function binaryRule(op: BinaryOperator): InfixRule {
  const bp = BINARY_PRECEDENCE[op];
  return {
    bp,
    parse(p, left) {
      p.advance();
      const right = parseExpr(p, bp + 1);
      return BinaryNode.create({ op, left, right, span: p.spanFrom(left.span) });
    },
  };
}

function parseIs(p: Parser, operand: Expr): Expr {
  p.advance();
  const not = p.matchKeyword('NOT') !== null;
  const token = p.peek();
  const test = token.keyword;
  if (test === 'DISTINCT') return parseDistinctFrom(p, operand, not);
  if (test !== 'NULL' && test !== 'TRUE' && test !== 'FALSE' && test !== 'UNKNOWN') {
    p.unexpected('NULL, TRUE, FALSE or UNKNOWN');
  }
  p.advance();
  return IsNode.create({ operand, not, test, span: p.spanFrom(operand.span) });
}

/**
 * `IS [NOT] DISTINCT FROM` binds its right side as tightly as a comparison does (Calcite), so
 * `a IS DISTINCT FROM b = c` reads `(a IS DISTINCT FROM b) = c` and the printer parenthesises alike.
 */
function parseDistinctFrom(p: Parser, left: Expr, not: boolean): Expr {
  p.advance();
  p.expectKeyword('FROM');
  const right = parseExpr(p, PRECEDENCE.COMPARISON + 1);
  return IsDistinctFromNode.create({ left, not, right, span: p.spanFrom(left.span) });
}

function parseLike(p: Parser, operand: Expr, not: boolean): Expr {
  if (not) p.advance();
  p.advance();
  const pattern = parseExpr(p, PRECEDENCE.PREDICATE + 1);
  const escape = p.matchKeyword('ESCAPE') ? parseExpr(p, PRECEDENCE.PREDICATE + 1) : null;
  return LikeNode.create({ operand, not, pattern, escape, span: p.spanFrom(operand.span) });
}

function parseIn(p: Parser, operand: Expr, not: boolean): Expr {
  if (not) p.advance();
  p.advance();
  p.expectSymbol('(');
  if (p.isKeyword('SELECT') || p.isKeyword('VALUES')) p.unsupported('IN with a subquery', p.peek());
  const list = p.parseCommaList(() => parseExpr(p));
  p.expectSymbol(')');
  return InListNode.create({ operand, not, list, span: p.spanFrom(operand.span) });
}

function parseBetween(p: Parser, operand: Expr, not: boolean): Expr {
  if (not) p.advance();
  p.advance();
  if (p.isKeyword('SYMMETRIC')) p.unsupported('BETWEEN SYMMETRIC', p.peek());
  p.matchKeyword('ASYMMETRIC');
  const low = parseExpr(p, PRECEDENCE.PREDICATE + 1);
  p.expectKeyword('AND');
  const high = parseExpr(p, PRECEDENCE.PREDICATE + 1);
  return BetweenNode.create({ operand, not, low, high, span: p.spanFrom(operand.span) });
}

function parseSubscript(p: Parser, target: Expr): Expr {
  p.advance();
  const index = parseExpr(p);
  p.expectSymbol(']');
  return SubscriptNode.create({ target, index, span: p.spanFrom(target.span) });
}

/** `.field` after something that is not a plain name (`a.b.c` is one ColumnRef). */
function parseFieldAccess(p: Parser, target: Expr): Expr {
  p.advance();
  const token = p.peek();
  if (token.kind !== 'ident' && token.kind !== 'quoted_ident') p.unexpected('a field name');
  p.advance();
  const field = IdentifierNode.create({ name: token.value, span: token.span });
  return FieldAccessNode.create({ target, field, span: p.spanFrom(target.span) });
}
