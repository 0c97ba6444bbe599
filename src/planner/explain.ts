import type { PipelinePlan, SinkPlan, SourcePlan, StagePlan } from './pipeline-plan.js';
import type { TableEntry } from '../catalog/catalog-entries.js';
import { assertNever } from '../types/data-type.js';

const SHOWN_OPTIONS = ['topic', 'topic-pattern', 'properties.bootstrap.servers', 'properties.group.id', 'scan.startup.mode', 'format', 'value.format', 'key.format', 'key.fields', 'collectionName', 'print-identifier', 'logger'];

/** The plan of one pipeline as readable text: source, each stage, sink. */
export function explainPipeline(plan: PipelinePlan, file?: string): string {
  const lines = [`${plan.name}${file ? `  (${file}:${plan.span.line})` : ''}`, `  source   ${source(plan.source)}`];
  for (const s of plan.stages) lines.push(`  ${stage(s)}`);
  lines.push(`  sink     ${sink(plan.sink)}`);
  lines.push(`  columns  ${plan.outputColumns.map((c) => c.name).join(', ')}`);
  return lines.join('\n');
}

function table(t: TableEntry): string {
  const opts = SHOWN_OPTIONS.filter((k) => t.definition.options.raw[k] !== undefined).map((k) => `${k}=${t.definition.options.raw[k]}`);
  return `${t.connector.name} table ${t.name}${t.implicit ? ' (no WITH: topic of the same name)' : ''}${opts.length ? ` [${opts.join(', ')}]` : ''}`;
}

function source(s: SourcePlan): string {
  switch (s.kind) {
    case 'table':
      return table(s.table);
    case 'values':
      return s.description;
    case 'union':
      // One line per input, then its branch's own stages, indented under it.
      return [
        `UNION ALL of ${s.branches.length} inputs`,
        ...s.branches.flatMap((b, i) => [`    input ${i + 1}  ${source(s.inputs[b.input]!)}`, ...b.stages.map((st) => `      ${stage(st)}`)]),
      ].join('\n');
    default:
      return assertNever(s, 'source');
  }
}

function stage(s: StagePlan): string {
  switch (s.kind) {
    case 'map':
      return `project  ${s.description}`;
    case 'filter':
      return `filter   ${s.description}`;
    case 'predict':
      return `predict  ${s.description}`;
    case 'search':
      return `search   ${s.description}`;
    case 'unnest':
      return `unnest   ${s.description}`;
    default:
      return assertNever(s, 'stage');
  }
}

function sink(s: SinkPlan): string {
  return s.kind === 'print' ? 'stdout (rows of a bare SELECT)' : table(s.table);
}
