import type { Catalog } from '../catalog/catalog.js';
import type { ModelEntry, TableEntry } from '../catalog/catalog-entries.js';
import { isCredentialOption } from '../catalog/credential-option.js';
import type { Diagnostic, Span } from '../errors/diagnostic.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import { unsetEnvRefs } from '../providers/env-refs.js';
import type { OptionNode } from '../sql/ast/index.js';

/**
 * Pre-flight over a compiled plan: the options of the models its pipelines call, and of the tables
 * they read and write, that name an environment variable which is not set, each at the position of
 * the option's value. Only the options `${NAME}` is resolved in are looked at (endpoint and
 * credentials: providers and the Milvus connector), by the same rule, so this check and binding
 * never disagree.
 */
export function findUnsetEnvRefs(plan: ScriptPlan, env: Readonly<Record<string, string | undefined>>): Diagnostic[] {
  const models = new Set<ModelEntry>();
  const tables = new Set<TableEntry>();
  for (const p of plan.pipelines) {
    for (const s of p.stages) if (s.kind === 'predict') models.add(s.model);
    if (p.source.kind === 'table') tables.add(p.source.table);
    if (p.sink.kind === 'table') tables.add(p.sink.table);
  }
  const out: Diagnostic[] = [];
  const check = (options: Readonly<Record<string, string>>, span: (key: string, value: string) => Span) => {
    for (const [key, value] of Object.entries(options)) {
      if (key !== 'endpoint' && !isCredentialOption(key)) continue;
      for (const name of unsetEnvRefs(value, env)) {
        out.push({ code: 'PD4202', message: `option '${key}' names the environment variable ${name}, which is not set`, span: span(key, value) });
      }
    }
  };
  for (const model of models) check(model.rawOptions, (key, value) => valueSpan(model, key, value, plan.catalog));
  for (const table of tables) {
    check(table.definition.options.raw, (key, value) => (table.node.options ?? []).find((n) => n.key.value === key && n.value.value === value)?.value.span ?? table.node.name.span);
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** Where the value was written: the model's own WITH (or ALTER ... SET), else the CONNECTION it came from. */
function valueSpan(model: ModelEntry, key: string, value: string, catalog: Catalog): Span {
  const find = (nodes: readonly OptionNode[]) => nodes.find((n) => n.key.value === key && n.value.value === value)?.value.span;
  const own = find(model.optionNodes ?? []) ?? find(model.node.options);
  if (own) return own;
  for (const [k, v] of Object.entries(model.written)) {
    if (!/^([a-z]+\.)?connection$/i.test(k)) continue;
    const inherited = catalog.connection(v) && find(catalog.connection(v)!.node.options);
    if (inherited) return inherited;
  }
  return model.node.name.span;
}
