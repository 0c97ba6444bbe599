import type { Span } from '../errors/diagnostic.js';
import type { Expr } from '../sql/ast/expr.js';
import type { ExtractNode } from '../sql/ast/extract-node.js';
import type { FunctionCallNode } from '../sql/ast/function-call-node.js';
import type { TrimNode } from '../sql/ast/trim-node.js';
import { closestMatch } from '../spi/did-you-mean.js';
import type { Row, Value } from '../types/data-type.js';
import { type Compiled, type CompileContext, compileAll, derived } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import { FUNCTIONS } from './functions.js';
import { asDate, EXTRACT_UNITS } from './functions/temporal-functions.js';
import { RowError } from './row-error.js';
import { isTemporal, T } from './types.js';

/** `NAME(args)`: looked up in FUNCTIONS, arity and argument types checked, then built once. */
export function compileCall(node: FunctionCallNode, ctx: CompileContext): Compiled | undefined {
  return compileNamedCall(node.name.toUpperCase(), node.args, node.span, ctx);
}

function arityText(min: number, max: number): string {
  if (max === Infinity) return `at least ${min} argument${min === 1 ? '' : 's'}`;
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}

export function compileNamedCall(name: string, argExprs: readonly Expr[], span: Span, ctx: CompileContext): Compiled | undefined {
  const def = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  const args = compileAll(ctx, argExprs);
  if (!def) {
    const guess = closestMatch(name, Object.keys(FUNCTIONS));
    return ctx.error('PD2204', `unknown function '${name}'${guess ? `; did you mean '${guess}'?` : ''}`, span);
  }
  if (!args) return undefined;
  if (args.length < def.minArgs || args.length > def.maxArgs) {
    return ctx.error('PD2205', `${name} takes ${arityText(def.minArgs, def.maxArgs)}, got ${args.length}: ${def.signature}`, span);
  }
  const verdict = def.returns(args.map((a) => a.type), args);
  if (typeof verdict === 'string') {
    return ctx.error('PD2206', `cannot apply ${name} to (${args.map((a) => formatType(a.type)).join(', ')}): ${verdict}; expected ${def.signature}`, span);
  }
  if ('code' in verdict) return ctx.error(verdict.code, `${name}: ${verdict.message}`, span);
  return derived(verdict, args, guarded(name, def.build(args, verdict)), def.deterministic === false ? { deterministic: false } : {});
}

/** A function that throws something other than a RowError (REPEAT past the string limit) fails the row as PD4403. */
function guarded(name: string, evaluate: (row: Row) => Value): (row: Row) => Value {
  return (row) => {
    try {
      return evaluate(row);
    } catch (error) {
      if (error instanceof RowError) throw error;
      throw new RowError('PD4403', `${name} failed: ${(error as Error).message}`, { cause: error });
    }
  };
}

/** TRIM([BOTH | LEADING | TRAILING] [chars] FROM s) is TRIM / LTRIM / RTRIM(s [, chars]). */
export function compileTrim(node: TrimNode, ctx: CompileContext): Compiled | undefined {
  const name = node.mode === 'LEADING' ? 'LTRIM' : node.mode === 'TRAILING' ? 'RTRIM' : 'TRIM';
  return compileNamedCall(name, node.chars ? [node.operand, node.chars] : [node.operand], node.span, ctx);
}

/** EXTRACT(unit FROM x) on a DATE, TIME or TIMESTAMP: a BIGINT. */
export function compileExtract(node: ExtractNode, ctx: CompileContext): Compiled | undefined {
  const operand = ctx.compile(node.operand);
  if (!operand) return undefined;
  const unit = Object.hasOwn(EXTRACT_UNITS, node.unit) ? EXTRACT_UNITS[node.unit] : undefined;
  if (!unit) {
    const guess = closestMatch(node.unit, Object.keys(EXTRACT_UNITS));
    return ctx.error('PD2210', `unknown EXTRACT unit '${node.unit}'${guess ? `; did you mean '${guess}'?` : ''}`, node.span);
  }
  const type = operand.type;
  if (type.kind !== 'NULL' && (!isTemporal(type) || (type.kind === 'TIME' && !unit.time))) {
    return ctx.error('PD2206', `cannot EXTRACT ${node.unit} from ${formatType(type)}`, node.span);
  }
  return derived(T.bigint(type.nullable), [operand], (row) => {
    const v = operand.evaluate(row);
    return v === null ? null : unit.get(asDate(v, type));
  });
}
