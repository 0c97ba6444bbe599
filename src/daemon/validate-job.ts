import type { CatalogContext } from '../catalog/catalog-context.js';
import { DiagnosticsError, type Diagnostic } from '../errors/diagnostic.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import { compileJob, redactSecretOptions } from './compile-job.js';
import { resolvePlanRefs } from './resolve-plan-refs.js';

/** What `predictd validate` and `POST /validate` decide about one job text: one function, so they never disagree. */
export interface JobValidation {
  readonly file: string;
  /** The text with credential values blanked (what excerpts quote). */
  readonly source: string;
  /** Compile errors (syntax, names, types, WITH options); with `strict`, unset `${VAR}` too. */
  readonly errors: readonly Diagnostic[];
  /** Options naming an unset environment variable or an unreadable `${file:...}` (PD4202), when not `strict`. */
  readonly warnings: readonly Diagnostic[];
  /** Set when the text compiles. */
  readonly plan?: ScriptPlan;
}

/** Compiles the text (nothing is bound or run) and checks its `${NAME}` / `${file:PATH}` references against `env` and the files. */
export function validateJob(file: string, source: string, ctx: CatalogContext, env: Readonly<Record<string, string | undefined>>, strict: boolean): JobValidation {
  const redacted = redactSecretOptions(source);
  let plan: ScriptPlan;
  try {
    plan = compileJob(file, source, ctx);
  } catch (err) {
    if (!(err instanceof DiagnosticsError)) throw err;
    return { file, source: redacted, errors: err.diagnostics, warnings: [] };
  }
  const unset = resolvePlanRefs(plan, ctx, { env }).diagnostics;
  return strict ? { file, source: redacted, errors: unset, warnings: [], plan } : { file, source: redacted, errors: [], warnings: unset, plan };
}

/** One diagnostic as JSON: `position` is `file:line:col`, as the CLI prints it. */
export function diagnosticView(file: string, d: Diagnostic) {
  return { code: d.code, message: d.message, file, line: d.span.line, col: d.span.col, position: `${file}:${d.span.line}:${d.span.col}` };
}
