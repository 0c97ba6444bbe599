import type { Span } from '../errors/diagnostic.js';
import type { ErrorCode } from '../errors/error-codes.js';
import type { Expr } from '../sql/ast/expr.js';
import type { DataType, Row, Value } from '../types/data-type.js';
import type { Scope } from './scope.js';

/** A compiled expression: its inferred type and a row function. */
export interface CompiledExpr {
  readonly type: DataType;
  /** The value for one row; throws RowError (PD44xx) when this row cannot be evaluated. */
  evaluate(row: Row): Value;
  /** True when the value does not depend on the row (and so was computed once). */
  readonly constant: boolean;
}

/**
 * DataType has no INTERVAL kind, so a compiled INTERVAL is a BIGINT of milliseconds
 * (DAY TO SECOND) or an INT of months (YEAR TO MONTH) carrying this marker; the
 * timestamp arithmetic reads it.
 */
export type IntervalKind = 'DAY_TIME' | 'YEAR_MONTH';

export interface Compiled extends CompiledExpr {
  readonly interval?: IntervalKind;
}

/** What each family compiler gets: the scope, a way to compile operands and to report problems. */
export interface CompileContext {
  readonly scope: Scope;
  compile(expr: Expr): Compiled | undefined;
  /** Records a diagnostic and returns undefined, so a family writes `return ctx.error(...)`. */
  error(code: ErrorCode, message: string, span: Span): undefined;
}

const NO_ROW: Row = [];

export function constantExpr(type: DataType, value: Value, interval?: IntervalKind): Compiled {
  return { type, constant: true, evaluate: () => value, ...(interval ? { interval } : {}) };
}

/**
 * An expression over `deps`. When every dependency is constant and the operation is
 * deterministic it is evaluated once here; if that throws (CAST('x' AS INT)) the error is left
 * to each row, as Flink's constant reduction leaves it to run time: compiling never throws.
 */
export function derived(
  type: DataType,
  deps: readonly CompiledExpr[],
  evaluate: (row: Row) => Value,
  options: { deterministic?: boolean; interval?: IntervalKind } = {},
): Compiled {
  const constant = options.deterministic !== false && deps.every((d) => d.constant);
  if (constant) {
    try {
      return constantExpr(type, evaluate(NO_ROW), options.interval);
    } catch {
      // evaluated again, and failing, for each row
    }
  }
  return { type, constant, evaluate, ...(options.interval ? { interval: options.interval } : {}) };
}

/** Compiles every operand, so all their problems are reported; undefined if any failed. */
export function compileAll(ctx: CompileContext, exprs: readonly Expr[]): Compiled[] | undefined {
  const out = exprs.map((e) => ctx.compile(e));
  return out.every((c): c is Compiled => c !== undefined) ? out : undefined;
}
