import type { BetweenNode } from '../sql/ast/between-node.js';
import type { BinaryNode } from '../sql/ast/binary-node.js';
import type { InListNode } from '../sql/ast/in-list-node.js';
import type { IsDistinctFromNode } from '../sql/ast/is-distinct-from-node.js';
import type { IsNode } from '../sql/ast/is-node.js';
import type { UnaryNode } from '../sql/ast/unary-node.js';
import type { Span } from '../errors/diagnostic.js';
import type { Row, Value } from '../types/data-type.js';
import { type Compiled, type CompileContext, compileAll, derived } from './compiled-expr.js';
import { type ComparisonOp, prepareComparison } from './comparison.js';
import { formatType } from '../types/format-type.js';
import { assertNever } from '../types/data-type.js';
import { isBoolean, T } from './types.js';

type Eval = (row: Row) => Value;

/** `=`, `<>`, `<`, `<=`, `>`, `>=`: NULL when either side is NULL. */
export function compileComparison(node: BinaryNode, ctx: CompileContext): Compiled | undefined {
  const left = ctx.compile(node.left);
  const right = ctx.compile(node.right);
  if (!left || !right) return undefined;
  const op = node.op as ComparisonOp;
  const test = comparisonTest(left, right, op, node.span, ctx);
  if (!test) return undefined;
  return derived(T.boolean(left.type.nullable || right.type.nullable), [left, right], test);
}

function comparisonTest(left: Compiled, right: Compiled, op: ComparisonOp, span: Span, ctx: CompileContext): Eval | undefined {
  const c = prepareComparison(left.type, right.type);
  if (typeof c === 'string') return ctx.error('PD2206', `cannot apply '${op}': ${c}`, span);
  if (c.equalityOnly && op !== '=' && op !== '<>') {
    return ctx.error('PD2206', `cannot apply '${op}' to ${formatType(left.type)}: only = and <> compare arrays, maps and rows`, span);
  }
  const test = c.test(op);
  const { left: castLeft, right: castRight } = c;
  return (row) => {
    const a = left.evaluate(row);
    if (a === null) return null;
    const b = right.evaluate(row);
    if (b === null) return null;
    return test(castLeft ? castLeft(a) : a, castRight ? castRight(b) : b);
  };
}

function requireBoolean(c: Compiled, what: string, span: Span, ctx: CompileContext): boolean {
  if (isBoolean(c.type)) return true;
  ctx.error('PD2206', `${what} must be BOOLEAN, got ${formatType(c.type)}`, span);
  return false;
}

/** AND / OR in three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE. */
export function compileLogical(node: BinaryNode, ctx: CompileContext): Compiled | undefined {
  const left = ctx.compile(node.left);
  const right = ctx.compile(node.right);
  if (!left || !right) return undefined;
  const okLeft = requireBoolean(left, `the left operand of ${node.op}`, node.left.span, ctx);
  const okRight = requireBoolean(right, `the right operand of ${node.op}`, node.right.span, ctx);
  if (!okLeft || !okRight) return undefined;
  const type = T.boolean(left.type.nullable || right.type.nullable);
  const evaluate: Eval = node.op === 'AND'
    ? (row) => {
        const a = left.evaluate(row);
        if (a === false) return false;
        const b = right.evaluate(row);
        if (b === false) return false;
        return a === null || b === null ? null : true;
      }
    : (row) => {
        const a = left.evaluate(row);
        if (a === true) return true;
        const b = right.evaluate(row);
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
  return derived(type, [left, right], evaluate);
}

export function compileNot(node: UnaryNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  if (!operand || !requireBoolean(operand, 'the operand of NOT', node.operand.span, ctx)) return undefined;
  return derived(T.boolean(operand.type.nullable), [operand], (row) => {
    const v = operand.evaluate(row);
    return v === null ? null : !v;
  });
}

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`: never NULL itself. */
export function compileIs(node: IsNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  if (!operand) return undefined;
  if (node.test !== 'NULL' && !requireBoolean(operand, `the operand of IS ${node.not ? 'NOT ' : ''}${node.test}`, node.operand.span, ctx)) {
    return undefined;
  }
  let test: (v: Value) => boolean;
  switch (node.test) {
    case 'NULL':
    case 'UNKNOWN':
      test = (v) => v === null;
      break;
    case 'TRUE':
      test = (v) => v === true;
      break;
    case 'FALSE':
      test = (v) => v === false;
      break;
    default:
      return assertNever(node.test, 'IS test');
  }
  const not = node.not;
  return derived(T.boolean(false), [operand], (row) => test(operand.evaluate(row)) !== not);
}

/**
 * `a IS [NOT] DISTINCT FROM b`: never NULL. Two NULLs are not distinct, a NULL and a value are;
 * two values follow `=` with its implicit casts (a string against a number, DATE against TIMESTAMP).
 */
export function compileIsDistinctFrom(node: IsDistinctFromNode, ctx: CompileContext): Compiled | undefined {
  const left = ctx.compile(node.left);
  const right = ctx.compile(node.right);
  if (!left || !right) return undefined;
  const c = prepareComparison(left.type, right.type);
  const what = `IS ${node.not ? 'NOT ' : ''}DISTINCT FROM`;
  if (typeof c === 'string') return ctx.error('PD2206', `cannot apply '${what}': ${c}`, node.span);
  const equal = c.test('=');
  const { left: castLeft, right: castRight } = c;
  const distinct = !node.not;
  return derived(T.boolean(false), [left, right], (row) => {
    const a = left.evaluate(row);
    const b = right.evaluate(row);
    if (a === null || b === null) return (a === null && b === null) !== distinct;
    return equal(castLeft ? castLeft(a) : a, castRight ? castRight(b) : b) !== distinct;
  });
}

/**
 * `x [NOT] IN (a, b, ...)`: TRUE on a match; otherwise NULL when x or any list value is NULL,
 * else FALSE. NOT IN negates that, so `1 NOT IN (2, NULL)` is NULL.
 */
export function compileIn(node: InListNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  const list = compileAll(ctx, node.list);
  if (!operand || !list) return undefined;
  const tests: ((x: Value, row: Row) => boolean | null)[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const c = prepareComparison(operand.type, item.type);
    if (typeof c === 'string') return ctx.error('PD2207', `IN list value ${i + 1}: ${c}`, node.list[i].span);
    const eq = c.test('=');
    const { left, right } = c;
    const v = item.constant ? constantOperand(item, right) : undefined;
    if (v !== undefined) {
      tests.push((x) => (v === null ? null : eq(left ? left(x) : x, v)));
    } else {
      tests.push((x, row) => {
        const v = item.evaluate(row);
        return v === null ? null : eq(left ? left(x) : x, right ? right(v) : v);
      });
    }
  }
  const not = node.not;
  const nullable = operand.type.nullable || list.some((c) => c.type.nullable);
  return derived(T.boolean(nullable), [operand, ...list], (row) => {
    const x = operand.evaluate(row);
    if (x === null) return null;
    let sawNull = false;
    for (const test of tests) {
      const r = test(x, row);
      if (r === true) return !not;
      if (r === null) sawNull = true;
    }
    return sawNull ? null : not;
  });
}

/** A constant list value, converted once; undefined when the conversion fails (then it fails per row). */
function constantOperand(item: Compiled, convert: ((v: Value) => Value) | undefined): Value | undefined {
  const raw = item.evaluate([]);
  try {
    return raw === null || !convert ? raw : convert(raw);
  } catch {
    return undefined;
  }
}

/** `x [NOT] BETWEEN low AND high` is `x >= low AND x <= high` (NOT: `x < low OR x > high`). */
export function compileBetween(node: BetweenNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  const low = ctx.compile(node.low);
  const high = ctx.compile(node.high);
  if (!operand || !low || !high) return undefined;
  const lower = comparisonTest(operand, low, node.not ? '<' : '>=', node.low.span, ctx);
  const upper = comparisonTest(operand, high, node.not ? '>' : '<=', node.high.span, ctx);
  if (!lower || !upper) return undefined;
  const nullable = operand.type.nullable || low.type.nullable || high.type.nullable;
  const combine = node.not ? orValues : andValues;
  return derived(T.boolean(nullable), [operand, low, high], (row) => combine(lower(row), upper(row)));
}

function andValues(a: Value, b: Value): Value {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function orValues(a: Value, b: Value): Value {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}
