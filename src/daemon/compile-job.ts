import { DiagnosticsError } from '../errors/diagnostic.js';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { planScript, type ScriptPlan } from '../planner/plan-script.js';
import { parseScript } from '../sql/index.js';

/** Parse and plan one job file; all of its errors together in one DiagnosticsError. */
export function compileJob(file: string, source: string, ctx: CatalogContext): ScriptPlan {
  const parsed = parseScript(source, file);
  const plan = planScript(parsed.statements, ctx);
  // A table used twice can fail the same check twice: report each problem once.
  const unique = new Map([...parsed.diagnostics, ...plan.diagnostics].map((d) => [`${d.span.start}:${d.code}:${d.message}`, d]));
  const diagnostics = [...unique.values()].sort((a, b) => a.span.start - b.span.start);
  if (diagnostics.length > 0) throw new DiagnosticsError(file, redactSecretOptions(source), diagnostics);
  return plan;
}

/** Option keys whose values are credentials (api-key, password, secret, token, JAAS config ...). */
const SECRET_OPTION = /'([^']*(?:api[-_]?key|apikey|password|secret|token|jaas|service_key|access_key)[^']*)'\s*=\s*'((?:[^']|'')*)'/gi;

/**
 * The source with credential values blanked, same length so every line:col still points at the
 * same place: error messages quote source lines, and they end up in logs.
 */
export function redactSecretOptions(source: string): string {
  return source.replace(SECRET_OPTION, (whole, _key: string, value: string) => whole.slice(0, whole.length - value.length - 1) + '*'.repeat(value.length) + "'");
}
