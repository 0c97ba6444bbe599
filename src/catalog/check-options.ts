import type { OptionNode } from '../sql/ast/index.js';
import type { Span } from '../errors/diagnostic.js';
import type { ConfigSpec, OptionProblem } from '../spi/config-spec.js';
import { resolveOptions, type ResolveResult } from '../spi/resolve-options.js';
import type { DiagnosticSink } from './catalog-context.js';

export function optionsMap(nodes: readonly OptionNode[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of nodes ?? []) out[n.key.value] = n.value.value;
  return out;
}

/** Resolves a WITH map against a spec and reports each problem at the option it concerns. */
export function checkOptions(
  spec: ConfigSpec,
  raw: Readonly<Record<string, string>>,
  nodes: readonly OptionNode[] | null,
  fallback: Span,
  sink: DiagnosticSink,
  what: string,
  ignore: (p: OptionProblem) => boolean = () => false,
): ResolveResult {
  const result = resolveOptions(spec, raw);
  for (const p of result.problems) {
    if (ignore(p)) continue;
    const node = nodes?.find((n) => n.key.value === p.key);
    switch (p.kind) {
      case 'unknown':
        // "unknown option 'k' for connector 'kafka'; did you mean 'x'?"
        sink.error('PD2006', p.message.replace(`unknown option '${p.key}'`, `unknown option '${p.key}' for ${what}`), node?.key.span ?? fallback);
        break;
      case 'missing':
        sink.error('PD2007', `${p.message} for ${what}`, fallback);
        break;
      case 'invalid':
        sink.error('PD2008', p.message, node?.value.span ?? fallback);
        break;
    }
  }
  return result;
}
