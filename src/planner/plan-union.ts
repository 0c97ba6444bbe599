import type { UnionAllNode } from '../sql/ast/index.js';
import { castOf, formatType, leastRestrictive, type CompiledExpr } from '../expr/index.js';
import type { DataType } from '../types/data-type.js';
import type { LeafSourcePlan, StagePlan, TransformStagePlan, UnionBranchPlan } from './pipeline-plan.js';
import type { PlanContext } from './plan-context.js';
import { planQuery } from './plan-query.js';
import type { RelColumn, Relation } from './relation.js';

/**
 * `q1 UNION ALL q2 ...`: every input planned on its own, its visible columns cast to the union's
 * types (Flink's least restrictive type per column: INT and BIGINT give BIGINT, nullable when
 * any input is), named after the first input's. The inputs become branches of one union source;
 * what follows the union (ML_PREDICT included) runs once, on the merged stream.
 */
export function planUnion(node: UnionAllNode, ctx: PlanContext): Relation | undefined {
  const rels: Relation[] = [];
  for (const query of node.inputs) {
    const rel = planQuery(query, ctx);
    if (rel) rels.push(rel);
  }
  if (rels.length !== node.inputs.length) return undefined;
  const visible = rels.map((r) => r.columns.filter((c) => !c.hidden));
  const width = visible[0]!.length;
  const before = ctx.sink.count;
  visible.forEach((cols, i) => {
    if (cols.length !== width) {
      ctx.sink.error('PD2031', `each UNION ALL input must return the same number of columns: the first returns ${width}, this one ${cols.length}`, node.inputs[i]!.span);
    }
  });
  rels.forEach((rel, i) => {
    const model = rel.stages.find((s) => s.kind === 'predict' || s.kind === 'search');
    if (model) {
      const what = model.kind === 'predict' ? 'ML_PREDICT' : 'VECTOR_SEARCH';
      ctx.sink.error('PD2023', `${what} inside a UNION ALL input is not supported yet: call it once on the union (a view over the UNION ALL, then ML_PREDICT(TABLE view, ...))`, node.inputs[i]!.span);
    }
  });
  if (ctx.sink.count > before) return undefined;
  const types: DataType[] = [];
  for (let c = 0; c < width; c++) {
    const type = leastRestrictive(visible.map((cols) => cols[c]!.type));
    if (!type) {
      const list = visible.map((cols) => formatType(cols[c]!.type)).join(', ');
      ctx.sink.error('PD2031', `UNION ALL column ${c + 1} ('${visible[0]![c]!.name}') has types that do not unify: ${list}`, visible[visible.findIndex((cols) => cols[c]!.type.kind !== visible[0]![c]!.type.kind)]?.[c]?.span ?? node.span);
      continue;
    }
    types.push(type);
  }
  if (ctx.sink.count > before) return undefined;

  const inputs: LeafSourcePlan[] = [];
  const branches: UnionBranchPlan[] = [];
  rels.forEach((rel, i) => {
    const cast = castStage(rel, visible[i]!, types);
    for (const branch of branchesOf(rel)) branches.push({ input: inputIndex(inputs, branch.leaf), stages: [...branch.stages, cast] });
  });
  if (!reportSharedConsumerGroups(inputs, node, ctx)) return undefined;
  const columns: RelColumn[] = visible[0]!.map((c, i) => ({ name: c.name, type: types[i]!, qualifiers: [], span: c.span }));
  return { source: { kind: 'union', inputs, branches }, stages: [], columns };
}

/**
 * Two Kafka inputs in one consumer group: kafkajs's group leader assigns only the topics it
 * subscribes to, so the other input's topic would never be read. Every table of a job shares
 * the group `predictd-<job id>` unless it sets 'properties.group.id'.
 */
function reportSharedConsumerGroups(inputs: readonly LeafSourcePlan[], node: UnionAllNode, ctx: PlanContext): boolean {
  const byGroup = new Map<string, string>();
  for (const leaf of inputs) {
    if (leaf.kind !== 'table' || leaf.table.connector.name !== 'kafka') continue;
    const group = leaf.table.definition.options.raw['properties.group.id'] ?? '';
    const other = byGroup.get(group);
    if (other !== undefined) {
      const which = group === '' ? "the job's default consumer group" : `consumer group '${group}'`;
      ctx.sink.error('PD2031', `Kafka tables '${other}' and '${leaf.table.name}' of this UNION ALL share ${which}, so one of them would not be read: give each its own 'properties.group.id'`, node.span);
      return false;
    }
    byGroup.set(group, leaf.table.name);
  }
  return true;
}

/** A relation's branches: one, or a nested union's (a view of a UNION ALL inside another), flattened. */
function branchesOf(rel: Relation): Array<{ leaf: LeafSourcePlan; stages: TransformStagePlan[] }> {
  const own = rel.stages.filter(isTransform);
  if (rel.source.kind !== 'union') return [{ leaf: rel.source, stages: own }];
  const { inputs } = rel.source;
  return rel.source.branches.map((b) => ({ leaf: inputs[b.input]!, stages: [...b.stages, ...own] }));
}

function isTransform(s: StagePlan): s is TransformStagePlan {
  return s.kind === 'map' || s.kind === 'filter' || s.kind === 'unnest';
}

/** A table read by several branches is one input (one consumer), whose rows go to each of them. */
function inputIndex(inputs: LeafSourcePlan[], leaf: LeafSourcePlan): number {
  const found = leaf.kind === 'table' ? inputs.findIndex((l) => l.kind === 'table' && l.table.name === leaf.table.name) : -1;
  if (found >= 0) return found;
  inputs.push(leaf);
  return inputs.length - 1;
}

function castStage(rel: Relation, visible: readonly RelColumn[], types: readonly DataType[]): TransformStagePlan {
  const exprs: CompiledExpr[] = visible.map((col, i) => {
    const index = rel.columns.indexOf(col);
    const to = types[i]!;
    const cast = castOf(col.type, to);
    return { type: to, constant: false, evaluate: (row) => cast(row[index] ?? null) };
  });
  return { kind: 'map', exprs, description: `to the union's columns (${visible.map((c, i) => `${c.name} ${formatType(types[i]!)}`).join(', ')})` };
}
