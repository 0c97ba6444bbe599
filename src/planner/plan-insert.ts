import type { InsertNode, QueryStatementNode } from '../sql/ast/index.js';
import { canImplicitlyCast, castOf, formatType, type CompiledExpr } from '../expr/index.js';
import { objectName, unknown } from '../catalog/apply-ddl.js';
import type { Column } from '../types/data-type.js';
import type { PlanContext } from './plan-context.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { planQuery } from './plan-query.js';
import { reportTableProblems } from './report-table-problems.js';

/** INSERT INTO t [(cols)] <query>: the query's columns matched to the sink's, with Flink's implicit casts. */
export function planInsert(node: InsertNode, ctx: PlanContext): PipelinePlan | undefined {
  const name = objectName(node.table);
  const target = ctx.catalog.relation(name);
  if (!target) {
    unknown(ctx.catalog, 'relation', name, node.table, ctx.sink);
    planQuery(node.query, ctx); // still report the query's own errors
    return undefined;
  }
  if (target.kind !== 'table') {
    ctx.sink.error('PD2018', `'${name}' is a view; INSERT needs a table`, node.table.span);
    return undefined;
  }
  if (!target.connector.createSink) {
    ctx.sink.error('PD2018', `table '${name}' uses connector '${target.connector.name}', which cannot be written to`, node.table.span);
    return undefined;
  }
  reportTableProblems(target, 'sink', ctx);
  const rel = planQuery(node.query, ctx);
  if (!rel) return undefined;

  const sinkColumns = target.definition.columns.filter((c) => !c.virtual);
  const listed = node.columns?.map((c) => c.name) ?? sinkColumns.map((c) => c.name);
  const assigned = new Set<string>();
  for (const col of node.columns ?? []) {
    if (!sinkColumns.some((c) => c.name === col.name)) unknownColumn(col.name, name, col.span, ctx);
    else if (assigned.has(col.name)) ctx.sink.error('PD2020', `target column '${col.name}' is assigned more than once`, col.span);
    assigned.add(col.name);
  }
  // Flink pads unlisted columns with NULL, which a NOT NULL column does not allow.
  for (const col of node.columns ? sinkColumns : []) {
    if (!assigned.has(col.name) && !col.type.nullable) {
      ctx.sink.error('PD2017', `column '${col.name}' of '${name}' is NOT NULL and has no default value: list it in the INSERT column list`, node.table.span);
    }
  }
  const visible = rel.columns.filter((c) => !c.hidden);
  if (visible.length !== listed.length) {
    ctx.sink.error('PD2016', `the query returns ${visible.length} columns but ${node.columns ? 'the column list names' : `table '${name}' has`} ${listed.length}: ${listed.join(', ')}`, node.query.span);
    return undefined;
  }
  const before = ctx.sink.count;
  const exprs: CompiledExpr[] = sinkColumns.map((col) => {
    const j = listed.indexOf(col.name);
    if (j < 0) return { type: col.type, constant: true, evaluate: () => null };
    const from = visible[j]!;
    const index = rel.columns.indexOf(from);
    if (!canImplicitlyCast(from.type, col.type)) {
      ctx.sink.error('PD2017', `column '${from.name}' is ${formatType(from.type)}, which cannot be written to '${col.name}' ${formatType(col.type)} of '${name}' (use CAST)`, from.span);
    }
    const cast = castOf(from.type, col.type);
    return { type: col.type, constant: false, evaluate: (row) => cast(row[index] ?? null) };
  });
  if (ctx.sink.count > before) return undefined;
  return {
    name: `INSERT INTO ${name}`,
    span: node.span,
    source: rel.source,
    stages: [...rel.stages, { kind: 'map', exprs, description: `to ${name} (${sinkColumns.map((c) => c.name).join(', ')})` }],
    sink: { kind: 'table', table: target },
    outputColumns: sinkColumns.map((c): Column => ({ name: c.name, type: c.type })),
  };
}

/** A bare SELECT in a job file prints its rows, as the Flink SQL client shows them. */
export function planSelectToPrint(node: QueryStatementNode, ctx: PlanContext): PipelinePlan | undefined {
  const rel = planQuery(node.query, ctx);
  if (!rel) return undefined;
  const visible = rel.columns.map((c, i) => ({ c, i })).filter(({ c }) => !c.hidden);
  const needsTrim = visible.length !== rel.columns.length;
  const stages = needsTrim
    ? [...rel.stages, { kind: 'map' as const, exprs: visible.map(({ c, i }) => ({ type: c.type, constant: false, evaluate: (row: unknown[]) => (row[i] ?? null) as never })), description: 'visible columns' }]
    : rel.stages;
  return {
    name: 'SELECT',
    span: node.span,
    source: rel.source,
    stages,
    sink: { kind: 'print' },
    outputColumns: visible.map(({ c }) => ({ name: c.name, type: c.type })),
  };
}

function unknownColumn(col: string, table: string, span: InsertNode['span'], ctx: PlanContext): void {
  ctx.sink.error('PD2016', `table '${table}' has no column '${col}'`, span);
}
