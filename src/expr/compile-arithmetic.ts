import type { BinaryNode } from '../sql/ast/binary-node.js';
import type { UnaryNode } from '../sql/ast/unary-node.js';
import type { DataType, Row, Value } from '../types/data-type.js';
import { type Compiled, type CompileContext, derived } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import { bigintOp, wrapInteger } from './integers.js';
import { fitDecimal } from './number-text.js';
import { RowError } from './row-error.js';
import { compileIntervalArithmetic } from './interval-arithmetic.js';
import {
  asDecimal, boundedDecimal, commonNumeric, isCharacter, isIntegerKind, isNumeric, T, withNullable,
} from './types.js';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
type NumberFn = (a: number, b: number) => number | null;

/** `a + b` ... `a % b`, plus `||`. Both operands are compiled first so all their problems are reported. */
export function compileArithmetic(node: BinaryNode, ctx: CompileContext): Compiled | undefined {
  const left = ctx.compile(node.left);
  const right = ctx.compile(node.right);
  if (!left || !right) return undefined;
  if (node.op === '||') return compileConcatOp(left, right, node, ctx);
  const op = node.op as ArithmeticOp;
  if (left.interval || right.interval || isTemporalOperand(left) || isTemporalOperand(right)) {
    return compileIntervalArithmetic(op, left, right, node, ctx);
  }
  const type = arithmeticType(op, left.type, right.type);
  if (!type) {
    return ctx.error('PD2206', `cannot apply '${op}' to ${formatType(left.type)} and ${formatType(right.type)}: both operands must be numeric`, node.span);
  }
  return binaryNumeric(type, left, right, arithmeticFn(op, type));
}

function isTemporalOperand(c: Compiled): boolean {
  return c.type.kind === 'DATE' || c.type.kind === 'TIME' || c.type.kind === 'TIMESTAMP' || c.type.kind === 'TIMESTAMP_LTZ';
}

/** The result type of `a op b` for numeric operands (Flink's decimal rules), undefined when not numeric. */
export function arithmeticType(op: ArithmeticOp, a: DataType, b: DataType): DataType | undefined {
  const nullable = a.nullable || b.nullable;
  if (a.kind === 'NULL' && b.kind === 'NULL') return T.int();
  if (a.kind === 'NULL') return isNumeric(b) ? withNullable(b, true) : undefined;
  if (b.kind === 'NULL') return isNumeric(a) ? withNullable(a, true) : undefined;
  if (!isNumeric(a) || !isNumeric(b)) return undefined;
  if (op === '%' && isIntegerKind(a.kind) && isIntegerKind(b.kind)) return withNullable(b, nullable);
  const common = commonNumeric(a, b, nullable);
  if (common.kind !== 'DECIMAL') return common;
  const x = asDecimal(a);
  const y = asDecimal(b);
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(x.scale, y.scale);
      return boundedDecimal(Math.max(x.precision - x.scale, y.precision - y.scale) + scale + 1, scale, nullable);
    }
    case '*':
      return boundedDecimal(x.precision + y.precision + 1, x.scale + y.scale, nullable);
    case '/': {
      const scale = Math.max(6, x.scale + y.precision + 1);
      return boundedDecimal(x.precision - x.scale + y.scale + scale, scale, nullable);
    }
    case '%': {
      const scale = Math.max(x.scale, y.scale);
      return boundedDecimal(Math.min(x.precision - x.scale, y.precision - y.scale) + scale, scale, nullable);
    }
  }
}

function divisionByZero(op: string, a: number): never {
  throw new RowError('PD4401', `division by zero: ${a} ${op} 0`);
}

/** The number function for `op` computing in `type`: integer wrap-around, decimal rounding, IEEE doubles. */
export function arithmeticFn(op: ArithmeticOp, type: DataType): NumberFn {
  const kind = type.kind;
  if (isIntegerKind(kind)) {
    const exact = (r: number, a: number, b: number, big: (x: bigint, y: bigint) => bigint): number =>
      wrapInteger(Number.isSafeInteger(r) ? r : bigintOp(a, b, big), kind);
    switch (op) {
      case '+': return (a, b) => exact(a + b, a, b, (x, y) => x + y);
      case '-': return (a, b) => exact(a - b, a, b, (x, y) => x - y);
      case '*': return (a, b) => exact(a * b, a, b, (x, y) => x * y);
      case '/': return (a, b) => (b === 0 ? divisionByZero('/', a) : exact(Math.trunc(a / b), a, b, (x, y) => x / y));
      case '%': return (a, b) => (b === 0 ? divisionByZero('%', a) : wrapInteger(a % b || 0, kind));
    }
  }
  if (kind === 'DECIMAL') {
    const { precision, scale } = type;
    const fit = (n: number): number | null => fitDecimal(n, precision, scale);
    switch (op) {
      case '+': return (a, b) => fit(a + b);
      case '-': return (a, b) => fit(a - b);
      case '*': return (a, b) => fit(a * b);
      case '/': return (a, b) => (b === 0 ? divisionByZero('/', a) : fit(a / b));
      case '%': return (a, b) => (b === 0 ? divisionByZero('%', a) : fit(a % b));
    }
  }
  const round = kind === 'FLOAT' ? Math.fround : (n: number) => n;
  switch (op) {
    case '+': return (a, b) => round(a + b);
    case '-': return (a, b) => round(a - b);
    case '*': return (a, b) => round(a * b);
    case '/': return (a, b) => round(a / b);
    case '%': return (a, b) => round(a % b);
  }
}

/** NULL if either side is NULL, else fn(a, b). */
export function binaryNumeric(type: DataType, left: Compiled, right: Compiled, fn: NumberFn): Compiled {
  const evaluate = (row: Row): Value => {
    const a = left.evaluate(row);
    if (a === null) return null;
    const b = right.evaluate(row);
    return b === null ? null : fn(a as number, b as number);
  };
  return derived(type, [left, right], evaluate);
}

function compileConcatOp(left: Compiled, right: Compiled, node: BinaryNode, ctx: CompileContext): Compiled | undefined {
  for (const side of [left, right]) {
    if (side.type.kind !== 'NULL' && !isCharacter(side.type)) {
      return ctx.error('PD2206', `cannot apply '||' to ${formatType(side.type)}: both operands must be character strings (CAST it to STRING)`, node.span);
    }
  }
  const evaluate = (row: Row): Value => {
    const a = left.evaluate(row);
    if (a === null) return null;
    const b = right.evaluate(row);
    return b === null ? null : (a as string) + (b as string);
  };
  return derived(T.string(left.type.nullable || right.type.nullable), [left, right], evaluate);
}

/** `-x` and `+x` on numbers and intervals. NOT is a logical operator, compiled in compile-logic. */
export function compileSign(node: UnaryNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  if (!operand) return undefined;
  const { type } = operand;
  if (type.kind !== 'NULL' && !isNumeric(type)) {
    return ctx.error('PD2206', `cannot apply unary '${node.op}' to ${formatType(type)}: the operand must be numeric`, node.span);
  }
  if (node.op === '+') return operand;
  const kind = type.kind;
  const negate = isIntegerKind(kind) ? (n: number) => wrapInteger(-n, kind) || 0 : (n: number) => -n;
  const evaluate = (row: Row): Value => {
    const v = operand.evaluate(row);
    return v === null ? null : negate(v as number);
  };
  return derived(type, [operand], evaluate, operand.interval ? { interval: operand.interval } : {});
}
