import type { CastNode } from '../sql/ast/cast-node.js';
import type { Row, Value } from '../types/data-type.js';
import { typeFromNode } from './cast-rules.js';
import { makeCaster } from './cast-value.js';
import { type Compiled, type CompileContext, derived } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import { RowError } from './row-error.js';
import { withNullable } from './types.js';

/**
 * `CAST(x AS t)` fails the row (PD4402) when a value does not convert; `TRY_CAST(x AS t)` gives
 * NULL instead. A CAST keeps the nullability of its operand; TRY_CAST is always nullable.
 */
export function compileCast(node: CastNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  if (!operand) return undefined;
  const target = typeFromNode(node.type);
  const cast = makeCaster(operand.type, target);
  if (!cast) {
    return ctx.error('PD2208', `cannot ${node.tryCast ? 'TRY_CAST' : 'CAST'} ${formatType(operand.type)} to ${formatType(target)}`, node.span);
  }
  const decimalNarrowing = target.kind === 'DECIMAL' && operand.type.kind !== 'NULL';
  const type = withNullable(target, node.tryCast || operand.type.nullable || decimalNarrowing);
  if (!node.tryCast) return derived(type, [operand], (row: Row): Value => cast(operand.evaluate(row)));
  return derived(type, [operand], (row: Row): Value => {
    const value = operand.evaluate(row);
    try {
      return cast(value);
    } catch (error) {
      if (error instanceof RowError && error.code === 'PD4402') return null;
      throw error;
    }
  });
}
