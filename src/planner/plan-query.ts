import type { Expr, QualifiedNameNode, Query, SelectNode, TableRef } from '../sql/ast/index.js';
import type { Span } from '../errors/diagnostic.js';
import { printExpr } from '../sql/index.js';
import { compileExpr, isBoolean, type CompiledExpr } from '../expr/index.js';
import { objectName, unknown } from '../catalog/apply-ddl.js';
import type { TableEntry, ViewEntry } from '../catalog/catalog-entries.js';
import { assertNever } from '../types/data-type.js';
import type { PlanContext } from './plan-context.js';
import { planLateralPredict, planScalarPredicts, planTvfPredict } from './plan-predict.js';
import { planVectorSearch } from './plan-vector-search.js';
import { requalify, scopeOf, withStage, type RelColumn, type Relation } from './relation.js';
import { planValues } from './plan-values.js';
import { planUnnest } from './plan-unnest.js';
import { planUnion } from './plan-union.js';
import { reportTableProblems } from './report-table-problems.js';

/** Plans a query into a relation; undefined when errors were reported. */
export function planQuery(query: Query, ctx: PlanContext): Relation | undefined {
  switch (query.kind) {
    case 'SelectNode':
      return planSelect(query, ctx);
    case 'ValuesNode':
      return planValues(query, ctx);
    case 'UnionAllNode':
      return planUnion(query, ctx);
    default:
      return assertNever(query, 'query');
  }
}

function planSelect(select: SelectNode, ctx: PlanContext): Relation | undefined {
  let rel = planFrom(select.from, ctx);
  if (!rel) return undefined;
  if (select.distinct) {
    ctx.sink.error('PD2023', 'SELECT DISTINCT needs state across the stream and is not supported by predictd yet', select.span);
    return undefined;
  }
  if (select.where) rel = planWhere(select.where, rel, ctx);
  if (!rel) return undefined;
  const scalar = planScalarPredicts(select, rel, ctx);
  if (!scalar) return undefined;
  rel = scalar.relation;
  const scope = scopeOf(rel, scalar.resolve);
  const exprs: CompiledExpr[] = [];
  const columns: RelColumn[] = [];
  const before = ctx.sink.count;
  for (const [i, item] of select.items.entries()) {
    if (item.kind === 'SelectStarNode') {
      const qualifier = item.qualifier ? objectName(item.qualifier) : undefined;
      const picked = rel.columns.map((c, index) => ({ c, index })).filter(({ c }) => !c.hidden && (!qualifier || c.qualifiers.includes(qualifier)));
      if (qualifier && picked.length === 0) ctx.sink.error('PD2001', `unknown table or alias '${qualifier}' in '${qualifier}.*'`, item.span);
      for (const { c, index } of picked) {
        exprs.push({ type: c.type, constant: false, evaluate: (row) => row[index] ?? null });
        columns.push({ ...c, qualifiers: [] });
      }
      continue;
    }
    const compiled = compileExpr(item.expr, scope, ctx.sink.items);
    if (!compiled) continue;
    exprs.push(compiled);
    columns.push({ name: item.alias?.name ?? implicitName(item.expr, i), type: compiled.type, qualifiers: [], span: item.span });
  }
  if (ctx.sink.count > before) return undefined;
  const description = select.items.map((it) => (it.kind === 'SelectStarNode' ? '*' : printItem(it.expr, it.alias?.name))).join(', ');
  return withStage(rel, { kind: 'map', exprs, description }, columns);
}

function printItem(expr: Expr, alias: string | undefined): string {
  const text = printExpr(expr);
  return alias && alias !== text ? `${text} AS ${alias}` : text;
}

/** Flink names an unaliased column after the column it reads, else EXPR$<position>. */
function implicitName(expr: Expr, index: number): string {
  if (expr.kind === 'ColumnRefNode') return expr.parts.at(-1)!.name;
  if (expr.kind === 'FieldAccessNode') return expr.field.name;
  return `EXPR$${index}`;
}

function planFrom(from: readonly TableRef[], ctx: PlanContext): Relation | undefined {
  if (from.length === 0) return { source: { kind: 'values', rows: [[]], description: 'one empty row (SELECT without FROM)' }, stages: [], columns: [] };
  const [first, ...laterals] = from;
  if (laterals.some((ref) => !isLateral(ref))) {
    ctx.sink.error('PD2023', 'a FROM list of several tables is a join, which predictd does not support yet', laterals.find((ref) => !isLateral(ref))!.span);
    return undefined;
  }
  let rel = planRef(first!, ctx);
  for (const ref of laterals) rel = rel && planLateral(ref, rel, ctx);
  return rel;
}

/** Items that read the row before them (LATERAL TABLE, VECTOR_SEARCH, UNNEST): each joins the relation so far. */
function isLateral(ref: TableRef): boolean {
  if (ref.kind === 'UnnestRefNode') return true;
  return ref.kind === 'TableFunctionRefNode' && (ref.call.kind === 'VectorSearchNode' || ref.call.form === 'lateral');
}

function planLateral(ref: TableRef, input: Relation, ctx: PlanContext): Relation | undefined {
  if (ref.kind === 'UnnestRefNode') return planUnnest(ref, input, ctx);
  if (ref.kind !== 'TableFunctionRefNode') throw new Error(`not a lateral FROM item: ${ref.kind}`);
  const call = ref.call;
  if (call.kind === 'VectorSearchNode') return planVectorSearch(call, ref.alias?.name.name, input, ctx);
  return planLateralPredict(call, ref.alias?.name.name, input, ctx);
}

export function planRef(ref: TableRef, ctx: PlanContext): Relation | undefined {
  switch (ref.kind) {
    case 'TableNameRefNode': {
      const rel = planNamedRelation(ref.name, ctx);
      return rel && requalify(rel, ref.alias?.name.name ?? objectName(ref.name));
    }
    case 'SubqueryRefNode': {
      const rel = planQuery(ref.query, ctx);
      if (!rel) return undefined;
      const renamed = ref.alias?.columns?.length ? renameColumns(rel, ref.alias.columns.map((c) => c.name), ref.span, ctx) : rel;
      return renamed && requalify(renamed, ref.alias?.name.name);
    }
    case 'TableFunctionRefNode': {
      if (ref.call.kind === 'VectorSearchNode') {
        // Flink allows a VECTOR_SEARCH alone in FROM when its query is a constant: one query row.
        return planVectorSearch(ref.call, ref.alias?.name.name, planFrom([], ctx)!, ctx);
      }
      if (ref.call.form !== 'tvf') {
        ctx.sink.error('PD2015', 'LATERAL TABLE(ML_PREDICT(...)) needs a table before it: FROM t, LATERAL TABLE(...)', ref.span);
        return undefined;
      }
      const rel = planTvfPredict(ref.call, ctx);
      return rel && requalify(rel, ref.alias?.name.name);
    }
    case 'UnnestRefNode':
      // Flink allows UNNEST alone in FROM over a constant collection: one input row.
      return planUnnest(ref, planFrom([], ctx)!, ctx);
    default:
      return assertNever(ref, 'table reference');
  }
}

/** A table or view by name, as a relation whose columns are qualified by that name. */
export function planNamedRelation(at: QualifiedNameNode, ctx: PlanContext): Relation | undefined {
  const name = objectName(at);
  const entry = ctx.catalog.relation(name);
  if (!entry) {
    unknown(ctx.catalog, 'relation', name, at, ctx.sink);
    return undefined;
  }
  return entry.kind === 'table' ? planTableScan(entry, ctx, at.span) : planView(entry, ctx);
}

function planTableScan(table: TableEntry, ctx: PlanContext, at: Span): Relation | undefined {
  if (!table.connector.createSource) {
    ctx.sink.error('PD2018', `table '${table.name}' uses connector '${table.connector.name}', which cannot be read from`, at);
    return undefined;
  }
  reportTableProblems(table, 'source', ctx);
  const base: RelColumn[] = table.definition.columns.map((c) => ({ name: c.name, type: c.type, qualifiers: [table.name], span: table.node.name.span }));
  const rel: Relation = { source: { kind: 'table', table }, stages: [], columns: base };
  if (!table.columns.some((c) => c.kind === 'computed')) return rel;
  // Computed columns: one map stage producing the declared column order.
  const scope = scopeOf(rel);
  const exprs: CompiledExpr[] = [];
  for (const col of table.columns) {
    if (col.kind === 'computed') {
      const compiled = compileExpr(col.expr!, scope, []);
      if (!compiled) return undefined; // reported when the table was created
      exprs.push(compiled);
    } else {
      const index = base.findIndex((b) => b.name === col.name);
      exprs.push({ type: col.type, constant: false, evaluate: (row) => row[index] ?? null });
    }
  }
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type, qualifiers: [table.name], span: c.span }));
  const description = `computed columns ${table.columns.filter((c) => c.kind === 'computed').map((c) => `${c.name} AS ${printExpr(c.expr!)}`).join(', ')}`;
  return withStage(rel, { kind: 'map', exprs, description }, columns);
}

function planView(view: ViewEntry, ctx: PlanContext): Relation | undefined {
  const rel = planQuery(view.node.query, ctx);
  if (!rel) return undefined;
  const renamed = view.node.columns ? renameColumns(rel, view.node.columns.map((c) => c.name), view.node.span, ctx) : rel;
  return renamed && requalify(renamed, view.name);
}

export function renameColumns(rel: Relation, names: readonly string[], at: Span, ctx: PlanContext): Relation | undefined {
  const visible = rel.columns.filter((c) => !c.hidden);
  if (visible.length !== names.length) {
    ctx.sink.error('PD2025', `${names.length} column names given for a query that returns ${visible.length} columns`, at);
    return undefined;
  }
  let i = 0;
  return { ...rel, columns: rel.columns.map((c) => (c.hidden ? c : { ...c, name: names[i++]! })) };
}

/**
 * WHERE: conjuncts that read only columns available before an ML_PREDICT stage are moved in
 * front of it, so filtered rows never cost a model call. The rest filter after.
 */
function planWhere(where: Expr, rel: Relation, ctx: PlanContext): Relation | undefined {
  const compiled = compileExpr(where, scopeOf(rel), ctx.sink.items);
  if (!compiled) return undefined;
  if (!isBoolean(compiled.type)) {
    ctx.sink.error('PD2019', `WHERE needs a BOOLEAN condition, got ${compiled.type.kind}`, where.span);
    return undefined;
  }
  return pushDownFilter(where, rel) ?? withStage(rel, { kind: 'filter', predicate: compiled, description: printExpr(where) });
}

function pushDownFilter(where: Expr, rel: Relation): Relation | undefined {
  const last = rel.stages.at(-1);
  if (last?.kind !== 'predict') return undefined;
  const inputWidth = rel.columns.length - last.model.outputs.length;
  const before: Relation = { source: rel.source, stages: rel.stages.slice(0, -1), columns: rel.columns.slice(0, inputWidth) };
  const pushed: Expr[] = [];
  const kept: Expr[] = [];
  for (const c of conjuncts(where)) (compileExpr(c, scopeOf(before), []) ? pushed : kept).push(c);
  if (pushed.length === 0) return undefined;
  let out: Relation = before;
  for (const c of pushed) out = withStage(out, { kind: 'filter', predicate: compileExpr(c, scopeOf(before), [])!, description: `${printExpr(c)} (before the model)` });
  out = withStage(out, last, rel.columns);
  for (const c of kept) out = withStage(out, { kind: 'filter', predicate: compileExpr(c, scopeOf(rel), [])!, description: printExpr(c) });
  return out;
}

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'BinaryNode' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}
