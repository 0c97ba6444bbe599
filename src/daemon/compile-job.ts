import { DiagnosticsError } from '../errors/diagnostic.js';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { planScript, type ScriptPlan } from '../planner/plan-script.js';
import { parseScript } from '../sql/index.js';
import { secretOptionKeys } from '../catalog/secret-options.js';
import { modelSpecFor } from '../providers/index.js';
import { createDefaultRegistry } from './default-registry.js';

/** Parse and plan one job file; all of its errors together in one DiagnosticsError. */
export function compileJob(file: string, source: string, ctx: CatalogContext): ScriptPlan {
  const parsed = parseScript(source, file);
  const plan = planScript(parsed.statements, ctx);
  // A table used twice can fail the same check twice: report each problem once.
  const unique = new Map([...parsed.diagnostics, ...plan.diagnostics].map((d) => [`${d.span.start}:${d.code}:${d.message}`, d]));
  const diagnostics = [...unique.values()].sort((a, b) => a.span.start - b.span.start);
  if (diagnostics.length > 0) throw new DiagnosticsError(file, redactSecretOptions(source, ctx), diagnostics);
  return plan;
}

/** A `'key' = 'value'` pair of a WITH (...) list. */
const OPTION = /'((?:[^']|'')*)'(\s*=\s*)'((?:[^']|'')*)'/g;

/**
 * The source with the values of secret options (secret-options.ts: declared in a spec) blanked,
 * same length so every line:col still points at the same place: error messages quote source lines,
 * and they end up in logs. Without a context, the default registry's specs decide.
 */
export function redactSecretOptions(source: string, ctx?: Pick<CatalogContext, 'registry' | 'modelSpec'>): string {
  const secrets = secretOptionKeys(ctx ?? defaultContext());
  return source.replace(OPTION, (whole, key: string, eq: string, value: string) =>
    secrets.has(key.replace(/''/g, "'")) ? `'${key}'${eq}'${'*'.repeat(value.length)}'` : whole,
  );
}

let defaults: Pick<CatalogContext, 'registry' | 'modelSpec'> | undefined;

function defaultContext(): Pick<CatalogContext, 'registry' | 'modelSpec'> {
  return (defaults ??= { registry: createDefaultRegistry(), modelSpec: modelSpecFor });
}
