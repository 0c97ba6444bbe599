import type { JsonBehaviorNode } from '../sql/ast/json-behavior-node.js';
import type { JsonCallNode } from '../sql/ast/json-call-node.js';
import { assertNever, type DataType, type Row, type Value } from '../types/data-type.js';
import { canExplicitlyCast, typeFromNode } from './cast-rules.js';
import { type Caster, makeCaster } from './cast-value.js';
import { type Compiled, type CompileContext, derived } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import { cachedPath, type JsonOutcome, jsonQueryOutcome, jsonValueOutcome } from './json-eval.js';
import { type JsonPath, JsonPathError } from './json-path.js';
import { RowError } from './row-error.js';
import { isCharacter, isConstructed, T, withNullable } from './types.js';

/** What ON EMPTY / ON ERROR produce for one row. */
type Behavior = (row: Row, problem: string) => Value;

const VALUE_BEHAVIORS = new Set(['NULL', 'ERROR', 'DEFAULT']);
const QUERY_BEHAVIORS = new Set(['NULL', 'ERROR', 'EMPTY ARRAY', 'EMPTY OBJECT']);

/**
 * `JSON_VALUE(x, path [RETURNING t] [b ON EMPTY] [b ON ERROR])` and
 * `JSON_QUERY(x, path [wrapper] [b ON EMPTY] [b ON ERROR])`. Both default to NULL ON EMPTY and
 * NULL ON ERROR, so a missing member or invalid JSON gives NULL. A NULL input gives NULL.
 */
export function compileJsonCall(node: JsonCallNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  const pathExpr = ctx.compile(node.path);
  if (!operand || !pathExpr) return undefined;
  const fnName = node.fn;
  for (const [what, c] of [['input', operand], ['path', pathExpr]] as const) {
    if (c.type.kind !== 'NULL' && !isCharacter(c.type)) {
      return ctx.error('PD2206', `${fnName} ${what} must be a character string, got ${formatType(c.type)}`, node.span);
    }
  }
  const returning = node.returning ? typeFromNode(node.returning) : T.string();
  if (fnName === 'JSON_VALUE' && (isConstructed(returning) || !canExplicitlyCast(T.string(), returning))) {
    return ctx.error('PD2210', `JSON_VALUE cannot return ${formatType(returning)}: use a scalar type`, node.returning!.span);
  }
  if (fnName === 'JSON_QUERY' && !isCharacter(returning)) {
    return ctx.error('PD2210', `JSON_QUERY returns JSON text: RETURNING must be a character string, got ${formatType(returning)}`, node.returning!.span);
  }
  if (fnName === 'JSON_VALUE' && node.wrapper !== null) {
    return ctx.error('PD2210', 'an ARRAY WRAPPER clause belongs to JSON_QUERY, not JSON_VALUE', node.span);
  }
  const onEmpty = behavior(node.onEmpty, 'EMPTY', fnName, returning, ctx);
  const onError = behavior(node.onError, 'ERROR', fnName, returning, ctx);
  if (!onEmpty || !onError) return undefined;
  let path: JsonPath | undefined;
  if (pathExpr.constant) {
    const text = pathExpr.evaluate([]);
    if (text === null) return derived(withNullable(returning, true), [operand, pathExpr], () => null);
    try {
      path = cachedPath(text as string);
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      return ctx.error('PD2210', error.message, node.path.span);
    }
  }
  const toResult: Caster = makeCaster(T.string(), returning)!;
  const wrapper = node.wrapper ?? 'WITHOUT';
  const evaluate = (row: Row): Value => {
    const input = operand.evaluate(row);
    if (input === null) return null;
    let p = path;
    if (!p) {
      const text = pathExpr.evaluate(row);
      if (text === null) return null;
      try {
        p = cachedPath(text as string);
      } catch (error) {
        return onError(row, (error as Error).message);
      }
    }
    const outcome = fnName === 'JSON_VALUE' ? jsonValueOutcome(input as string, p) : jsonQueryOutcome(input as string, p, wrapper);
    return resolve(outcome, row, toResult, onEmpty, onError);
  };
  return derived(withNullable(returning, true), [operand, pathExpr], evaluate);
}

function resolve(outcome: { kind: 'text'; text: string } | JsonOutcome, row: Row, toResult: Caster, onEmpty: Behavior, onError: Behavior): Value {
  switch (outcome.kind) {
    case 'text':
      try {
        return toResult(outcome.text);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        return onError(row, error.message);
      }
    case 'empty':
      return onEmpty(row, 'the JSON path found nothing');
    case 'error':
      return onError(row, outcome.message);
    case 'value':
      return onError(row, 'unexpected JSON value');
    default:
      return assertNever(outcome, 'JSON outcome');
  }
}

function behavior(node: JsonBehaviorNode | null, on: 'EMPTY' | 'ERROR', fnName: string, returning: DataType, ctx: CompileContext): Behavior | undefined {
  if (!node) return () => null;
  const allowed = fnName === 'JSON_VALUE' ? VALUE_BEHAVIORS : QUERY_BEHAVIORS;
  if (!allowed.has(node.behavior)) {
    return ctx.error('PD2210', `${fnName} does not support ${node.behavior} ON ${on}`, node.span);
  }
  switch (node.behavior) {
    case 'NULL':
      return () => null;
    case 'ERROR':
      return (_row, problem) => {
        throw new RowError('PD4404', `${fnName} failed (ERROR ON ${on}): ${problem}`);
      };
    case 'EMPTY ARRAY':
      return () => '[]';
    case 'EMPTY OBJECT':
      return () => '{}';
    case 'DEFAULT': {
      const value = node.defaultValue ? ctx.compile(node.defaultValue) : undefined;
      if (!value) return node.defaultValue ? undefined : ctx.error('PD2210', `DEFAULT ON ${on} needs a value`, node.span);
      const cast = makeCaster(value.type, returning);
      if (!cast) return ctx.error('PD2206', `DEFAULT ON ${on} value ${formatType(value.type)} cannot be cast to ${formatType(returning)}`, node.span);
      return (row) => cast(value.evaluate(row));
    }
    default:
      return assertNever(node.behavior, 'JSON behavior');
  }
}
