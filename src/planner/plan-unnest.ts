import type { UnnestRefNode } from '../sql/ast/index.js';
import { printExpr } from '../sql/index.js';
import { compileExpr, formatType } from '../expr/index.js';
import type { Column, DataType, Row, Value } from '../types/data-type.js';
import type { PlanContext } from './plan-context.js';
import { renameColumns } from './plan-query.js';
import { scopeOf, withStage, type RelColumn, type Relation } from './relation.js';

/**
 * `input CROSS JOIN UNNEST(collection) [WITH ORDINALITY] AS t(...)`: the input row repeated once
 * per element, each time followed by the element's columns (Calcite's naming: `EXPR$0` for an
 * array of scalars, the field names for an array of ROWs, `KEY` and `VALUE` for a map, then
 * `ORDINALITY`). An empty or NULL collection gives no row, as Flink's inner CROSS JOIN does; the
 * runtime acks the input record once every row it fanned out to is written.
 */
export function planUnnest(ref: UnnestRefNode, input: Relation, ctx: PlanContext): Relation | undefined {
  const collection = compileExpr(ref.collection, scopeOf(input), ctx.sink.items);
  if (!collection) return undefined;
  const shape = elementShape(collection.type);
  if (!shape) {
    ctx.sink.error('PD2030', `UNNEST needs an ARRAY or a MAP, got ${formatType(collection.type)}`, ref.collection.span);
    return undefined;
  }
  const outputs: Column[] = ref.ordinality ? [...shape.columns, { name: 'ORDINALITY', type: { kind: 'INT', nullable: false } }] : shape.columns;
  const qualifier = ref.alias?.name.name;
  const added: RelColumn[] = outputs.map((c) => ({ name: c.name, type: c.type, qualifiers: qualifier ? [qualifier] : [], span: ref.span }));
  let columns: readonly RelColumn[] = added;
  if (ref.alias?.columns?.length) {
    const named = renameColumns({ source: input.source, stages: [], columns: added }, ref.alias.columns.map((c) => c.name), ref.alias.span, ctx);
    if (!named) return undefined;
    columns = named.columns;
  }
  const evaluate = collection.evaluate;
  const ordinality = ref.ordinality;
  const spread = shape.spread;
  const expand = (row: Row): Row[] => {
    const value = evaluate(row);
    if (value === null) return [];
    const out: Row[] = [];
    let i = 0;
    for (const element of spread(value)) out.push(ordinality ? [...row, ...element, ++i] : [...row, ...element]);
    return out;
  };
  const description = `UNNEST(${printExpr(ref.collection)})${ordinality ? ' WITH ORDINALITY' : ''} -> ${columns.map((c) => c.name).join(', ')}`;
  return withStage(input, { kind: 'unnest', expand, outputs: columns.map((c) => ({ name: c.name, type: c.type })), description }, [...input.columns, ...columns]);
}

interface ElementShape {
  readonly columns: Column[];
  /** The collection's elements, each as the values of `columns`. */
  spread(collection: Value): Iterable<Value[]>;
}

function elementShape(type: DataType): ElementShape | undefined {
  if (type.kind === 'MAP') {
    return {
      columns: [{ name: 'KEY', type: type.key }, { name: 'VALUE', type: type.value }],
      spread: (m) => [...(m as ReadonlyMap<Value, Value>)].map(([k, v]) => [k, v]),
    };
  }
  if (type.kind !== 'ARRAY') return undefined;
  const element = type.element;
  if (element.kind !== 'ROW') return { columns: [{ name: 'EXPR$0', type: element }], spread: (a) => (a as Value[]).map((v) => [v]) };
  // An array of ROWs spreads each element into its fields; a NULL element gives a row of NULLs.
  const width = element.fields.length;
  return {
    columns: element.fields.map((f) => ({ name: f.name, type: element.nullable && !f.type.nullable ? { ...f.type, nullable: true } : f.type })),
    spread: (a) => (a as Value[]).map((v) => (v === null ? new Array<Value>(width).fill(null) : [...(v as Value[])])),
  };
}
