import type { Catalog } from '../catalog/catalog.js';
import type { ModelEntry } from '../catalog/catalog-entries.js';
import { isCredentialOption } from '../catalog/credential-option.js';
import type { Diagnostic, Span } from '../errors/diagnostic.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import { unsetEnvRefs } from '../providers/env-refs.js';
import type { OptionNode } from '../sql/ast/index.js';

/**
 * Pre-flight over a compiled plan: the options of the models its pipelines call that name an
 * environment variable which is not set, each at the position of the option's value. Only the
 * options providers resolve `${NAME}` in are looked at (endpoint and credentials), by the same
 * rule they resolve them with, so this check and binding never disagree.
 */
export function findUnsetEnvRefs(plan: ScriptPlan, env: Readonly<Record<string, string | undefined>>): Diagnostic[] {
  const models = new Set<ModelEntry>();
  for (const p of plan.pipelines) for (const s of p.stages) if (s.kind === 'predict') models.add(s.model);
  const out: Diagnostic[] = [];
  for (const model of models) {
    for (const [key, value] of Object.entries(model.rawOptions)) {
      if (key !== 'endpoint' && !isCredentialOption(key)) continue;
      for (const name of unsetEnvRefs(value, env)) {
        out.push({
          code: 'PD4202',
          message: `option '${key}' names the environment variable ${name}, which is not set`,
          span: valueSpan(model, key, value, plan.catalog),
        });
      }
    }
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
