import type { BinaryNode } from '../sql/ast/binary-node.js';
import type { DataType, Row, Value } from '../types/data-type.js';
import type { ArithmeticOp } from './compile-arithmetic.js';
import { type Compiled, type CompileContext, derived, type IntervalKind } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import {
  addMonths, dateToEpochDay, dateToTimestamp, epochDayToDate, formatTimeValue, MS_PER_DAY, parseTimeMs, timestampToDate,
} from './temporal.js';
import { isNumeric, withNullable } from './types.js';

type Shift = (value: Value, amount: number) => Value;

/**
 * Datetime arithmetic with INTERVALs: `ts - INTERVAL '5' SECOND`, `d + INTERVAL '1' MONTH`,
 * `INTERVAL '1' DAY + ts`, interval +/- interval and interval * or / a number.
 */
export function compileIntervalArithmetic(
  op: ArithmeticOp,
  left: Compiled,
  right: Compiled,
  node: BinaryNode,
  ctx: CompileContext,
): Compiled | undefined {
  const nullable = left.type.nullable || right.type.nullable;
  if (right.interval && !left.interval && (op === '+' || op === '-')) {
    const shift = shifter(left.type, right.interval);
    if (shift) return temporalShift(withNullable(left.type, nullable), left, right, op === '-' ? -1 : 1, shift);
  }
  if (left.interval && !right.interval && op === '+') {
    const shift = shifter(right.type, left.interval);
    if (shift) return temporalShift(withNullable(right.type, nullable), right, left, 1, shift);
  }
  if (left.interval && right.interval && left.interval === right.interval && (op === '+' || op === '-')) {
    return intervalOp(left.interval, withNullable(left.type, nullable), left, right, op === '+' ? (a, b) => a + b : (a, b) => a - b);
  }
  if (left.interval && !right.interval && isNumeric(right.type) && (op === '*' || op === '/')) {
    return intervalOp(left.interval, withNullable(left.type, nullable), left, right, op === '*' ? (a, b) => Math.round(a * b) : (a, b) => Math.round(a / b));
  }
  if (right.interval && !left.interval && isNumeric(left.type) && op === '*') {
    return intervalOp(right.interval, withNullable(right.type, nullable), left, right, (a, b) => Math.round(a * b));
  }
  const describe = (c: Compiled): string => (c.interval ? `INTERVAL ${c.interval === 'YEAR_MONTH' ? 'YEAR TO MONTH' : 'DAY TO SECOND'}` : formatType(c.type));
  return ctx.error(
    'PD2206',
    `cannot apply '${op}' to ${describe(left)} and ${describe(right)}: add or subtract an INTERVAL to shift a date or time`,
    node.span,
  );
}

function shifter(type: DataType, interval: IntervalKind): Shift | undefined {
  switch (type.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return interval === 'DAY_TIME'
        ? (v, ms) => new Date((v as Date).getTime() + ms)
        : (v, months) => addMonths(v as Date, months);
    case 'DATE':
      return interval === 'DAY_TIME'
        ? (v, ms) => epochDayToDate(Math.floor((dateToEpochDay(v as string) * MS_PER_DAY + ms) / MS_PER_DAY))
        : (v, months) => timestampToDate(addMonths(dateToTimestamp(v as string), months));
    case 'TIME':
      return interval === 'DAY_TIME' ? (v, ms) => formatTimeValue((parseTimeMs(v as string) ?? 0) + ms) : undefined;
    default:
      return undefined;
  }
}

function temporalShift(type: DataType, value: Compiled, amount: Compiled, sign: number, shift: Shift): Compiled {
  const evaluate = (row: Row): Value => {
    const v = value.evaluate(row);
    if (v === null) return null;
    const n = amount.evaluate(row);
    return n === null ? null : shift(v, sign * (n as number));
  };
  return derived(type, [value, amount], evaluate);
}

function intervalOp(interval: IntervalKind, type: DataType, left: Compiled, right: Compiled, fn: (a: number, b: number) => number): Compiled {
  const evaluate = (row: Row): Value => {
    const a = left.evaluate(row);
    if (a === null) return null;
    const b = right.evaluate(row);
    return b === null ? null : fn(a as number, b as number);
  };
  return derived(type, [left, right], evaluate, { interval });
}
