import type { CreateModelNode, OptionNode } from '../sql/ast/index.js';
import { canIgnoreRows } from '../providers/failure-decision.js';
import { providerView } from '../providers/structured-output.js';
import type { ErrorHandlingStrategy, FallbackStrategy } from '../providers/shared-model-options.js';
import { ERROR_COLUMN_TYPES, ERROR_COLUMNS, errorColumnOf, errorColumnTypeFits, physicalOutputs } from '../spi/error-columns.js';
import type { ResolvedOptions } from '../spi/config-spec.js';
import type { Span } from '../errors/diagnostic.js';
import { closestMatch } from '../spi/did-you-mean.js';
import type { ModelDefinition } from '../spi/model-provider.js';
import type { Column } from '../types/data-type.js';
import type { Catalog } from './catalog.js';
import type { CatalogContext, DiagnosticSink } from './catalog-context.js';
import type { ModelEntry } from './catalog-entries.js';
import { checkOptions, optionsMap } from './check-options.js';

/** Connection options a model inherits through `'<provider>.connection' = 'name'` (Confluent). */
const CONNECTION_KEYS = ['endpoint', 'api-key', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'service_key', 'service-key', 'username', 'password'];

export interface ModelSource {
  readonly node: CreateModelNode;
  readonly name: string;
  /** The WITH map as written, after any ALTER MODEL SET/RESET. */
  readonly written: Readonly<Record<string, string>>;
  /** Where option problems point: the options as written in CREATE or ALTER. */
  readonly optionNodes: readonly OptionNode[];
  /** Where problems without an option of their own point (the model name in CREATE or ALTER); default the CREATE's name. */
  readonly at?: Span;
}

/** CREATE MODEL (or its ALTERed form) -> a catalog entry with provider, options and schema checked. */
export function modelEntry(src: ModelSource, catalog: Catalog, ctx: CatalogContext, sink: DiagnosticSink): ModelEntry | undefined {
  const { node, name } = src;
  const at = src.at ?? node.name.span;
  const start = sink.count;
  const inputs = columnsOf(node.input);
  const outputs = columnsOf(node.output);
  if (src.at === undefined) {
    for (const cols of [node.input ?? [], node.output ?? []]) {
      const seen = new Set<string>();
      for (const c of cols) {
        if (seen.has(c.name.name)) sink.error('PD2020', `duplicate column '${c.name.name}' in model '${name}'`, c.name.span);
        seen.add(c.name.name);
      }
    }
  }
  const beforeConnection = sink.count;
  const raw = withConnection(src, catalog, sink);
  // An unknown CONNECTION was reported: the options it would have given are not missing on top of that.
  const connectionFailed = sink.count > beforeConnection;
  const providerName = raw['provider'];
  if (providerName === undefined) {
    if (!connectionFailed) sink.error('PD2007', `missing required option 'provider' for model '${name}'`, at);
    return undefined;
  }
  const provider = ctx.registry.provider(providerName);
  if (!provider) {
    const hint = closestMatch(providerName, ctx.registry.providerNames());
    sink.error('PD2009', `unknown model provider '${providerName}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${ctx.registry.providerNames().join(', ')})`, optionSpan(src.optionNodes, 'provider') ?? at);
    return undefined;
  }
  const inherited = new Set(Object.keys(raw).filter((k) => !(k in src.written)));
  const { options } = checkOptions(ctx.modelSpec(provider), raw, src.optionNodes, at, sink, `provider '${providerName}'`, (p) =>
    (p.kind === 'unknown' && inherited.has(p.key)) || (p.kind === 'missing' && connectionFailed),
  );
  const definition: ModelDefinition = { name, provider: providerName.toLowerCase(), inputs, outputs, options };
  checkErrorColumns(node, name, options, sink);
  if (sink.count === start) {
    // The provider judges the physical outputs only: the error columns belong to the framework.
    // A structured model (typed OUTPUT columns) is judged as the provider will see it: one STRING answer.
    const view = providerView({ ...definition, outputs: physicalOutputs(outputs) }, provider);
    const problems = view.problems.length > 0 ? view.problems : provider.checkSchema(view.model);
    for (const problem of problems) sink.error('PD2010', `model '${name}': ${problem}`, at);
  }
  return { kind: 'model', name, temporary: node.temporary, node, inputs, outputs, provider, definition, written: src.written, rawOptions: raw, optionNodes: src.optionNodes };
}

/** PD2026: error metadata columns with a known name, Flink's type, and a strategy that can let rows go. */
function checkErrorColumns(node: CreateModelNode, name: string, options: ResolvedOptions, sink: DiagnosticSink): void {
  const strategy = (options.get<string>('error-handling-strategy') ?? 'RETRY').toUpperCase() as ErrorHandlingStrategy;
  const fallback = (options.get<string>('retry-fallback-strategy') ?? 'FAILOVER').toUpperCase() as FallbackStrategy;
  const ignorable = canIgnoreRows({ strategy, fallback });
  for (const c of node.output ?? []) {
    const column = errorColumnOf(c.name.name);
    if (column === undefined) {
      if (c.metadata) {
        sink.error('PD2026', `model '${name}': '${c.name.name}' is not an error metadata column (known: ${ERROR_COLUMNS.join(', ')})`, c.name.span);
      }
      continue;
    }
    if (!errorColumnTypeFits(column, c.type.type)) {
      sink.error('PD2026', `model '${name}': error column '${column}' must be ${ERROR_COLUMN_TYPES[column]}`, c.type.span);
    } else if (!ignorable) {
      sink.error(
        'PD2026',
        `model '${name}': error column '${column}' needs an error-handling-strategy that lets rows go: 'IGNORE', or 'RETRY' with 'retry-fallback-strategy' = 'IGNORE' (here ${strategy}${strategy === 'RETRY' ? ` with fallback ${fallback}` : ''})`,
        c.name.span,
      );
    }
  }
}

function columnsOf(cols: CreateModelNode['input']): Column[] {
  return (cols ?? []).map((c) => ({ name: c.name.name, type: c.type.type }));
}

function optionSpan(nodes: readonly OptionNode[], key: string): Span | undefined {
  return nodes.find((n) => n.key.value === key)?.value.span;
}

/** Merges a referenced CONNECTION's endpoint and credentials into the model's options (the model's own win). */
function withConnection(src: ModelSource, catalog: Catalog, sink: DiagnosticSink): Record<string, string> {
  const raw = { ...src.written };
  for (const [key, value] of Object.entries(src.written)) {
    if (!/^[a-z]+\.connection$/i.test(key) && key !== 'connection') continue;
    const conn = catalog.connection(value);
    if (!conn) {
      const hint = closestMatch(value, catalog.names('connection'));
      sink.error('PD2004', `unknown connection '${value}'${hint ? `; did you mean '${hint}'?` : ''}`, optionSpan(src.optionNodes, key) ?? src.node.name.span);
      continue;
    }
    for (const k of CONNECTION_KEYS) {
      const v = conn.options[k];
      if (v !== undefined && raw[k] === undefined) raw[k] = v;
    }
    if (raw['provider'] === undefined && conn.options['type'] !== undefined) raw['provider'] = conn.options['type'];
  }
  return raw;
}
