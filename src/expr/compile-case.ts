import type { CaseNode } from '../sql/ast/case-node.js';
import type { Row, Value } from '../types/data-type.js';
import { coerce, commonType } from './coerce.js';
import { type Compiled, type CompileContext, compileAll, constantExpr, derived } from './compiled-expr.js';
import { prepareComparison } from './comparison.js';
import { formatType } from '../types/format-type.js';
import { isBoolean, withNullable } from './types.js';

type Condition = (row: Row) => boolean;

/**
 * Searched `CASE WHEN c THEN r ... [ELSE e] END` (the first TRUE condition wins; NULL is not
 * TRUE) and simple `CASE x WHEN v THEN r ...` (x = v). The result type is the common type of the
 * branches; without ELSE the result is nullable.
 */
export function compileCase(node: CaseNode, ctx: CompileContext): Compiled | undefined {
  const operand = node.operand ? ctx.compile(node.operand) : undefined;
  const conditions = compileAll(ctx, node.whens.map((w) => w.condition));
  const results = compileAll(ctx, node.whens.map((w) => w.result));
  const elseResult = node.elseResult ? ctx.compile(node.elseResult) : constantExpr({ kind: 'NULL', nullable: true }, null);
  if ((node.operand && !operand) || !conditions || !results || !elseResult) return undefined;

  const tests: Condition[] = [];
  let ok = true;
  conditions.forEach((condition, i) => {
    const test = operand ? equalityTest(operand, condition, ctx, node.whens[i].condition.span) : booleanTest(condition, ctx, node.whens[i].condition.span);
    if (test) tests.push(test);
    else ok = false;
  });
  const common = commonType([...results, elseResult].map((r) => r.type), 'CASE branches');
  if (typeof common === 'string') return ctx.error('PD2207', common, node.span);
  if (!ok) return undefined;
  const type = withNullable(common, common.nullable || !node.elseResult);
  const branches = results.map((r) => coerce(r, type));
  const otherwise = coerce(elseResult, type);
  const deps = [...(operand ? [operand] : []), ...conditions, ...results, elseResult];
  return derived(type, deps, (row: Row): Value => {
    for (let i = 0; i < tests.length; i++) if (tests[i](row)) return branches[i].evaluate(row);
    return otherwise.evaluate(row);
  });
}

function booleanTest(condition: Compiled, ctx: CompileContext, span: CaseNode['span']): Condition | undefined {
  if (!isBoolean(condition.type)) {
    ctx.error('PD2206', `a CASE WHEN condition must be BOOLEAN, got ${formatType(condition.type)}`, span);
    return undefined;
  }
  return (row) => condition.evaluate(row) === true;
}

function equalityTest(operand: Compiled, value: Compiled, ctx: CompileContext, span: CaseNode['span']): Condition | undefined {
  const c = prepareComparison(operand.type, value.type);
  if (typeof c === 'string') {
    ctx.error('PD2206', `CASE operand and WHEN value: ${c}`, span);
    return undefined;
  }
  const eq = c.test('=');
  const { left, right } = c;
  return (row) => {
    const a = operand.evaluate(row);
    if (a === null) return false;
    const b = value.evaluate(row);
    if (b === null) return false;
    return eq(left ? left(a) : a, right ? right(b) : b);
  };
}
