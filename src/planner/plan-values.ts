import type { ValuesNode } from '../sql/ast/index.js';
import { castValue, compileExpr, formatType, Scope } from '../expr/index.js';
import type { DataType, Value } from '../types/data-type.js';
import type { PlanContext } from './plan-context.js';
import type { Relation } from './relation.js';

const NUMERIC_RANK: Readonly<Record<string, number>> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4, DECIMAL: 5, FLOAT: 6, DOUBLE: 7 };
const STRINGY = new Set(['STRING', 'VARCHAR', 'CHAR']);

/** VALUES rows are constants: evaluated here, once, and unified to one type per column. */
export function planValues(values: ValuesNode, ctx: PlanContext): Relation | undefined {
  const scope = Scope.of([]);
  const before = ctx.sink.count;
  const width = values.rows[0]?.values.length ?? 0;
  const typed: Array<Array<{ value: Value; type: DataType }>> = [];
  for (const row of values.rows) {
    if (row.values.length !== width) {
      ctx.sink.error('PD2024', `this VALUES row has ${row.values.length} values where the first has ${width}`, row.span);
      continue;
    }
    const out: Array<{ value: Value; type: DataType }> = [];
    for (const e of row.values) {
      const compiled = compileExpr(e, scope, ctx.sink.items);
      if (compiled) out.push({ value: compiled.evaluate([]), type: compiled.type });
    }
    typed.push(out);
  }
  if (ctx.sink.count > before) return undefined;
  const types: DataType[] = [];
  for (let c = 0; c < width; c++) {
    let t: DataType | undefined = typed[0]![c]!.type;
    for (const row of typed) t = t && commonType(t, row[c]!.type);
    if (!t) {
      ctx.sink.error('PD2024', `VALUES column ${c + 1} mixes types that do not unify (${typed.map((r) => formatType(r[c]!.type)).join(', ')})`, values.rows[0]!.values[c]!.span);
      return undefined;
    }
    types.push(t);
  }
  const rows = typed.map((row) => row.map((cell, c) => castValue(cell.value, cell.type, types[c]!)));
  return {
    source: { kind: 'values', rows, description: `${rows.length} VALUES rows` },
    stages: [],
    columns: types.map((type, c) => ({ name: `EXPR$${c}`, type, qualifiers: [], span: values.rows[0]!.values[c]!.span })),
  };
}

function commonType(a: DataType, b: DataType): DataType | undefined {
  const nullable = a.nullable || b.nullable;
  if (a.kind === 'NULL') return { ...b, nullable: true } as DataType;
  if (b.kind === 'NULL') return { ...a, nullable: true } as DataType;
  if (STRINGY.has(a.kind) && STRINGY.has(b.kind)) return { kind: 'STRING', nullable };
  const ra = NUMERIC_RANK[a.kind];
  const rb = NUMERIC_RANK[b.kind];
  if (ra !== undefined && rb !== undefined) return { ...(ra >= rb ? a : b), nullable } as DataType;
  if (a.kind === b.kind) return { ...a, nullable } as DataType;
  return undefined;
}
