import type { ArrayConstructorNode } from '../sql/ast/array-constructor-node.js';
import type { ColumnRefNode } from '../sql/ast/column-ref-node.js';
import type { FieldAccessNode } from '../sql/ast/field-access-node.js';
import type { MapConstructorNode } from '../sql/ast/map-constructor-node.js';
import type { MlPredictNode } from '../sql/ast/ml-predict-node.js';
import type { RowConstructorNode } from '../sql/ast/row-constructor-node.js';
import type { SubscriptNode } from '../sql/ast/subscript-node.js';
import type { DataType, Row, Value } from '../types/data-type.js';
import { coerce, commonType } from './coerce.js';
import { type Compiled, type CompileContext, compileAll, derived } from './compiled-expr.js';
import { prepareComparison } from './comparison.js';
import { formatType } from '../types/format-type.js';
import { resolveField } from './scope.js';
import { isInteger, T, withNullable } from './types.js';
import { mapGet } from './value-compare.js';

/** `c`, `t.c`, `c.field`: a read of the row slot, then of the ROW fields named after it. */
export function compileColumnRef(node: ColumnRefNode, ctx: CompileContext): Compiled | undefined {
  const resolved = ctx.scope.resolve(node.parts);
  if (!resolved.ok) return ctx.error(resolved.code, resolved.message, resolved.span);
  const { index } = resolved.column;
  let evaluate = (row: Row): Value => row[index] ?? null;
  for (const field of resolved.fields) evaluate = fieldReader(evaluate, field.index);
  return { type: resolved.type, constant: false, evaluate };
}

function fieldReader(inner: (row: Row) => Value, index: number): (row: Row) => Value {
  return (row) => {
    const v = inner(row);
    return v === null ? null : ((v as readonly Value[])[index] ?? null);
  };
}

/** `(expr).field` on a ROW value. */
export function compileFieldAccess(node: FieldAccessNode, ctx: CompileContext): Compiled | undefined {
  const target = ctx.compile(node.target);
  if (!target) return undefined;
  const field = resolveField(target.type, node.field);
  if (!field.ok) return ctx.error(field.code, field.message, field.span);
  return derived(field.type, [target], fieldReader((row) => target.evaluate(row), field.index));
}

/** `arr[i]` (1-based; NULL when out of range) and `map[key]` (NULL when absent). */
export function compileSubscript(node: SubscriptNode, ctx: CompileContext): Compiled | undefined {
  const target = ctx.compile(node.target);
  const index = ctx.compile(node.index);
  if (!target || !index) return undefined;
  const t = target.type;
  if (t.kind === 'ARRAY') {
    if (index.type.kind !== 'NULL' && !isInteger(index.type)) {
      return ctx.error('PD2206', `an ARRAY index must be an integer, got ${formatType(index.type)}`, node.index.span);
    }
    return derived(withNullable(t.element, true), [target, index], (row) => {
      const array = target.evaluate(row) as readonly Value[] | null;
      const i = index.evaluate(row) as number | null;
      if (array === null || i === null || i < 1 || i > array.length) return null;
      return array[i - 1];
    });
  }
  if (t.kind === 'MAP') {
    const c = prepareComparison(t.key, index.type);
    if (typeof c === 'string') return ctx.error('PD2206', `MAP key: ${c}`, node.index.span);
    const toKey = c.right;
    return derived(withNullable(t.value, true), [target, index], (row) => {
      const map = target.evaluate(row) as ReadonlyMap<Value, Value> | null;
      const key = index.evaluate(row);
      if (map === null || key === null) return null;
      return mapGet(map, toKey ? toKey(key) : key) ?? null;
    });
  }
  return ctx.error('PD2206', `cannot subscript ${formatType(t)}: only ARRAY and MAP values take [...]`, node.span);
}

/** `ARRAY[a, b, ...]`: the elements' common type; the array itself is never NULL. */
export function compileArray(node: ArrayConstructorNode, ctx: CompileContext): Compiled | undefined {
  const elements = compileAll(ctx, node.elements);
  if (!elements) return undefined;
  if (elements.length === 0) return ctx.error('PD2205', 'ARRAY[...] needs at least one element', node.span);
  const element = commonType(elements.map((e) => e.type), 'ARRAY elements');
  if (typeof element === 'string') return ctx.error('PD2207', element, node.span);
  const items = elements.map((e) => coerce(e, element));
  return derived(T.array(element, false), items, (row) => items.map((e) => e.evaluate(row)));
}

/** `MAP[k1, v1, k2, v2, ...]`: a later duplicate key wins. */
export function compileMap(node: MapConstructorNode, ctx: CompileContext): Compiled | undefined {
  const entries = compileAll(ctx, node.entries);
  if (!entries) return undefined;
  if (entries.length === 0 || entries.length % 2 !== 0) {
    return ctx.error('PD2205', `MAP[...] needs key, value pairs, got ${entries.length} value(s)`, node.span);
  }
  const keys = entries.filter((_, i) => i % 2 === 0);
  const values = entries.filter((_, i) => i % 2 === 1);
  const keyType = commonType(keys.map((k) => k.type), 'MAP keys');
  const valueType = commonType(values.map((v) => v.type), 'MAP values');
  if (typeof keyType === 'string') return ctx.error('PD2207', keyType, node.span);
  if (typeof valueType === 'string') return ctx.error('PD2207', valueType, node.span);
  const k = keys.map((e) => coerce(e, keyType));
  const v = values.map((e) => coerce(e, valueType));
  return derived(T.map(keyType, valueType, false), entries, (row) => {
    const map = new Map<Value, Value>();
    for (let i = 0; i < k.length; i++) map.set(k[i].evaluate(row), v[i].evaluate(row));
    return map;
  });
}

/** `ROW(a, b)`: fields named EXPR$0, EXPR$1, ... as Flink names them. */
export function compileRow(node: RowConstructorNode, ctx: CompileContext): Compiled | undefined {
  const fields = compileAll(ctx, node.fields);
  if (!fields) return undefined;
  const type: DataType = { kind: 'ROW', fields: fields.map((f, i) => ({ name: `EXPR$${i}`, type: f.type })), nullable: false };
  return derived(type, fields, (row) => fields.map((f) => f.evaluate(row)));
}

/** A scalar ML_PREDICT stands for the column the planner's predict stage fills in. */
export function compilePredict(node: MlPredictNode, ctx: CompileContext): Compiled | undefined {
  const slot = node.form === 'scalar' ? ctx.scope.resolvePredict?.(node) : undefined;
  if (!slot) {
    const where = node.form === 'scalar' ? 'here' : `in its '${node.form}' form inside an expression`;
    return ctx.error('PD2211', `ML_PREDICT cannot be used ${where}: call it in a SELECT list over a table, or as ML_PREDICT(TABLE ..., MODEL ..., DESCRIPTOR(...)) in FROM`, node.span);
  }
  const { index, type } = slot;
  return { type, constant: false, evaluate: (row) => row[index] ?? null };
}
