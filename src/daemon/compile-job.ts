import { DiagnosticsError } from '../errors/diagnostic.js';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { planScript, type ScriptPlan } from '../planner/plan-script.js';
import { parseScript } from '../sql/index.js';
import { isCredentialOption } from '../catalog/credential-option.js';

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

/** A `'key' = 'value'` pair of a WITH (...) list. */
const OPTION = /'((?:[^']|'')*)'(\s*=\s*)'((?:[^']|'')*)'/g;

/**
 * The source with credential values blanked, same length so every line:col still points at the
 * same place: error messages quote source lines, and they end up in logs.
 */
export function redactSecretOptions(source: string): string {
  return source.replace(OPTION, (whole, key: string, eq: string, value: string) =>
    isCredentialOption(key) ? `'${key}'${eq}'${'*'.repeat(value.length)}'` : whole,
  );
}
