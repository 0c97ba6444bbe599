import type { VectorSearchNode } from '../sql/ast/index.js';
import { printExpr } from '../sql/index.js';
import { canImplicitlyCast, castOf, compileExpr, formatType, type CompiledExpr } from '../expr/index.js';
import { objectName, unknown } from '../catalog/apply-ddl.js';
import type { TableEntry } from '../catalog/catalog-entries.js';
import { closestMatch } from '../spi/did-you-mean.js';
import type { Column, DataType } from '../types/data-type.js';
import type { Span } from '../errors/diagnostic.js';
import type { PlanContext } from './plan-context.js';
import { asyncCallConfig, formatDuration, type AsyncCallKind } from './plan-predict.js';
import { reportTableProblems } from './report-table-problems.js';
import { scopeOf, withStage, type RelColumn, type Relation } from './relation.js';

/** Flink 2.2's VECTOR_SEARCH CONFIG keys and their `table.exec.async-vector-search.*` fallbacks. */
const VECTOR_SEARCH_CALL: AsyncCallKind = {
  fn: 'VECTOR_SEARCH',
  code: 'PD2029',
  sessionPrefix: 'table.exec.async-vector-search',
  keys: ['async', 'max-concurrent-operations', 'output-mode', 'timeout'],
};

/** Beyond this a TOP_K is a mistake, not a search (Milvus' own limit on topk is 16384). */
const MAX_TOP_K = 16_384;

/**
 * `FROM q, LATERAL TABLE(VECTOR_SEARCH(TABLE t, DESCRIPTOR(v), q.vec, k [, MAP[...]]))`: the query
 * row's columns, then the search table's columns and `score` per hit. With VECTOR_SEARCH_AGG one
 * row per query row, with `search_results` ARRAY<ROW<...non-vector columns..., score>>.
 * Argument checks follow Flink's SqlVectorSearchTableFunction; each is reported at its operand.
 */
export function planVectorSearch(call: VectorSearchNode, alias: string | undefined, input: Relation, ctx: PlanContext): Relation | undefined {
  const fn = call.aggregate ? 'VECTOR_SEARCH_AGG' : 'VECTOR_SEARCH';
  const kind = { ...VECTOR_SEARCH_CALL, fn };
  const error = (message: string, at: Span): undefined => {
    ctx.sink.error('PD2029', `${fn}: ${message}`, at);
    return undefined;
  };
  const table = searchTable(call, fn, ctx);
  if (!table) return undefined;
  const before = ctx.sink.count;
  const column = searchedColumn(call, table, error);
  const query = column && queryVector(call, column, input, ctx, error);
  const topK = topKOf(call, error);
  const config = asyncCallConfig(call.config, call.span, ctx, kind);
  if (!column || !query || topK === undefined || !config || ctx.sink.count > before) return undefined;

  const tableColumns = table.definition.columns.map((c) => ({ name: c.name, type: c.type }));
  const score: Column = { name: 'score', type: { kind: 'DOUBLE', nullable: false } };
  const keep = tableColumns.flatMap((c, i) => (isVectorType(c.type) ? [] : [i]));
  const produced: Column[] = call.aggregate
    ? [{ name: 'search_results', type: { kind: 'ARRAY', nullable: false, element: { kind: 'ROW', nullable: false, fields: [...keep.map((i) => tableColumns[i]!), score] } } }]
    : [...tableColumns, score];
  const taken = new Set(input.columns.map((c) => c.name));
  const outputs: RelColumn[] = produced.map((o) => {
    let n = o.name;
    for (let k = 0; taken.has(n); k++) n = `${o.name}${k}`;
    taken.add(n);
    return { name: n, type: o.type, qualifiers: alias === undefined ? [table.name] : [alias], span: call.span };
  });
  const description =
    `${fn} ${table.name}.${column.name} (${table.connector.name}) by ${printExpr(call.query)}, top ${topK} -> ${outputs.map((o) => `${o.name} ${formatType(o.type)}`).join(', ')}` +
    ` [max-concurrent-operations=${config.maxConcurrent}, output-mode=${config.ordered ? 'ORDERED' : 'ALLOW_UNORDERED'}, timeout=${formatDuration(config.timeoutMs)}]`;
  return withStage(
    input,
    {
      kind: 'search',
      table,
      column: column.name,
      topK,
      query,
      aggregate: call.aggregate ? { keep } : undefined,
      outputs: outputs.map((o) => ({ name: o.name, type: o.type })),
      config,
      description,
    },
    [...input.columns, ...outputs],
  );
}

function searchTable(call: VectorSearchNode, fn: string, ctx: PlanContext): TableEntry | undefined {
  const name = objectName(call.table);
  const entry = ctx.catalog.relation(name);
  if (!entry) {
    unknown(ctx.catalog, 'relation', name, call.table, ctx.sink);
    return undefined;
  }
  if (entry.kind !== 'table' || !entry.connector.createVectorSearcher) {
    const what = entry.kind === 'table' ? `uses connector '${entry.connector.name}', which cannot be searched` : 'is a view';
    ctx.sink.error('PD2029', `${fn}: '${entry.name}' ${what}; the search table must be a 'connector' = 'milvus' table`, call.table.span);
    return undefined;
  }
  reportTableProblems(entry, 'search', ctx);
  return entry;
}

/** The DESCRIPTOR names exactly one column of the table, of type ARRAY<FLOAT> or ARRAY<DOUBLE>. */
function searchedColumn(call: VectorSearchNode, table: TableEntry, error: (m: string, at: Span) => undefined): Column | undefined {
  if (call.columns.length !== 1) {
    const at = call.columns[1]?.span ?? call.span;
    return error(`COLUMN_TO_SEARCH must name exactly one column, but DESCRIPTOR(${call.columns.map((c) => c.name).join(', ')}) names ${call.columns.length}`, at);
  }
  const id = call.columns[0]!;
  const columns = table.definition.columns;
  const column = columns.find((c) => c.name === id.name) ?? columns.find((c) => c.name.toLowerCase() === id.name.toLowerCase());
  if (!column) {
    const hint = closestMatch(id.name, columns.map((c) => c.name));
    return error(`table '${table.name}' has no column '${id.name}'${hint ? `; did you mean '${hint}'?` : ''}`, id.span);
  }
  if (!isVectorType(column.type)) {
    return error(`COLUMN_TO_SEARCH '${column.name}' is ${formatType(column.type)}; it must be ARRAY<FLOAT> or ARRAY<DOUBLE>`, id.span);
  }
  return column;
}

function queryVector(call: VectorSearchNode, column: Column, input: Relation, ctx: PlanContext, error: (m: string, at: Span) => undefined): CompiledExpr | undefined {
  const compiled = compileExpr(call.query, scopeOf(input), ctx.sink.items);
  if (!compiled) return undefined;
  const want = column.type;
  if (!canImplicitlyCast(compiled.type, want)) {
    return error(`COLUMN_TO_QUERY ${printExpr(call.query)} is ${formatType(compiled.type)}, which cannot be cast to ${formatType(want)} (the type of '${column.name}')`, call.query.span);
  }
  const cast = castOf(compiled.type, want);
  return { type: want, constant: compiled.constant, evaluate: (row) => cast(compiled.evaluate(row)) };
}

/** TOP_K: a positive INTEGER literal, as Flink requires. */
function topKOf(call: VectorSearchNode, error: (m: string, at: Span) => undefined): number | undefined {
  const e = call.topK;
  const value = e.kind === 'NumberLiteralNode' ? Number(e.value) : NaN;
  if (e.kind === 'UnaryNode' && e.op === '-' && e.operand.kind === 'NumberLiteralNode') return error(`TOP_K must be positive, got ${printExpr(e)}`, e.span);
  if (e.kind !== 'NumberLiteralNode' || !Number.isInteger(value) || /[.eE]/.test(e.value)) {
    return error(`TOP_K must be an INTEGER literal, got ${printExpr(e)}`, e.span);
  }
  if (value <= 0) return error(`TOP_K must be positive, got ${value}`, e.span);
  if (value > MAX_TOP_K) return error(`TOP_K must be at most ${MAX_TOP_K}, got ${value}`, e.span);
  return value;
}

function isVectorType(t: DataType): boolean {
  return t.kind === 'ARRAY' && (t.element.kind === 'FLOAT' || t.element.kind === 'DOUBLE');
}
