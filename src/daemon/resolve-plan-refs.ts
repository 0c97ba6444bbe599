import { readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/catalog.js';
import type { CatalogContext } from '../catalog/catalog-context.js';
import type { ModelEntry, TableEntry } from '../catalog/catalog-entries.js';
import { secretOptionKeys } from '../catalog/secret-options.js';
import type { Diagnostic, Span } from '../errors/diagnostic.js';
import { DaemonError } from './daemon-error.js';
import { mapLeafSources, type PipelinePlan, type SourcePlan, type SinkPlan, type StagePlan } from '../planner/pipeline-plan.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import type { ConfigSpec, ResolvedOptions } from '../spi/config-spec.js';
import { describeOptionRef, optionRefs, substituteOptionRefs, type OptionRef } from '../spi/option-refs.js';
import { resolveOptions } from '../spi/resolve-options.js';
import type { OptionNode } from '../sql/ast/index.js';

/** Where references are read from; tests pass their own. */
export interface RefSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a `${file:PATH}` (UTF-8); defaults to the file system. */
  readonly readFile?: (path: string) => string;
}

export interface ResolvedPlan {
  /** The plan's pipelines with every table and model option resolved; empty when `diagnostics` is not. */
  readonly pipelines: readonly PipelinePlan[];
  /** PD4202 for every reference that cannot be read, PD2008 for a resolved value its option refuses; each at the value as written. */
  readonly diagnostics: readonly Diagnostic[];
  /** Resolved values the log scrubber must know: those of secret options, and every file's content. */
  readonly secrets: readonly string[];
}

/**
 * The one place `${NAME}` and `${file:PATH}` are substituted: over every WITH value of the tables
 * a job reads and writes and of the models it calls (CONNECTION options included), when the job
 * binds, so a restart reads a rotated file or a changed variable again. Connectors, formats and
 * providers only ever see resolved options. `validate` runs the same function for its warnings,
 * so the check and the binding never disagree. Messages name the option and the variable or
 * path, never a value.
 */
export function resolvePlanRefs(plan: ScriptPlan, ctx: Pick<CatalogContext, 'registry' | 'modelSpec'>, sources: RefSources): ResolvedPlan {
  const resolver = new PlanResolver(plan.catalog, ctx, sources);
  const pipelines = plan.pipelines.map((p) => resolver.pipeline(p));
  const diagnostics = resolver.diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { pipelines: diagnostics.length > 0 ? [] : pipelines, diagnostics, secrets: [...resolver.secrets] };
}

type Located = (key: string, value: string) => Span;

/**
 * A daemon setting that may hold references too (a Redis URL with a password): resolved by the
 * same rule as job options. Throws PD4202 naming the setting and the variable or path, never a value.
 */
export function resolveSettingRefs(value: string, key: string, sources: RefSources): string {
  const refs = new RefReader(sources);
  return substituteOptionRefs(value, (ref) => {
    const text = refs.read(ref);
    if (typeof text === 'object') throw new DaemonError('PD4202', `option '${key}' names ${describeOptionRef(ref)}, which ${text.problem}`);
    return text;
  });
}

/** Reads references: one read per file per use, so every option naming a file sees the same content. */
class RefReader {
  readonly #env: RefSources['env'];
  readonly #readFile: (path: string) => string;
  readonly #files = new Map<string, { text: string } | { problem: string }>();

  constructor(sources: RefSources) {
    this.#env = sources.env;
    this.#readFile = sources.readFile ?? ((path) => readFileSync(path, 'utf8'));
  }

  read(ref: OptionRef): string | { problem: string } {
    if (ref.kind === 'env') {
      const value = this.#env[ref.name];
      // An empty variable counts as not set: an empty key or host is never what was meant.
      return value === undefined || value === '' ? { problem: 'is not set' } : value;
    }
    let file = this.#files.get(ref.path);
    if (!file) {
      try {
        // Secret files end with a newline more often than not (echo, editors); the value never does.
        file = { text: this.#readFile(ref.path).replace(/\r?\n$/, '') };
      } catch (err) {
        file = { problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
      }
      this.#files.set(ref.path, file);
    }
    return 'text' in file ? file.text : file;
  }
}

class PlanResolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly secrets = new Set<string>();
  readonly #tables = new Map<TableEntry, TableEntry>();
  readonly #models = new Map<ModelEntry, ModelEntry>();
  readonly #catalog: Catalog;
  readonly #ctx: Pick<CatalogContext, 'registry' | 'modelSpec'>;
  readonly #secretKeys: ReadonlySet<string>;
  readonly #refs: RefReader;

  constructor(catalog: Catalog, ctx: Pick<CatalogContext, 'registry' | 'modelSpec'>, sources: RefSources) {
    this.#catalog = catalog;
    this.#ctx = ctx;
    this.#secretKeys = secretOptionKeys(ctx);
    this.#refs = new RefReader(sources);
  }

  pipeline(p: PipelinePlan): PipelinePlan {
    const source: SourcePlan = mapLeafSources(p.source, (leaf) => (leaf.kind === 'table' ? { ...leaf, table: this.#table(leaf.table) } : leaf));
    const sink: SinkPlan = p.sink.kind === 'table' ? { ...p.sink, table: this.#table(p.sink.table) } : p.sink;
    const stages = p.stages.map((s): StagePlan => {
      if (s.kind === 'predict') return { ...s, model: this.#model(s.model) };
      return s.kind === 'search' ? { ...s, table: this.#table(s.table) } : s;
    });
    return { ...p, source, stages, sink };
  }

  #table(entry: TableEntry): TableEntry {
    let out = this.#tables.get(entry);
    if (out) return out;
    const at: Located = (key, value) => (entry.node.options ?? []).find((n) => n.key.value === key && n.value.value === value)?.value.span ?? entry.node.name.span;
    const options = this.#options(entry.connector.spec, entry.definition.options, at);
    out = options === entry.definition.options ? entry : { ...entry, definition: { ...entry.definition, options } };
    this.#tables.set(entry, out);
    return out;
  }

  #model(entry: ModelEntry): ModelEntry {
    let out = this.#models.get(entry);
    if (out) return out;
    const at: Located = (key, value) => modelValueSpan(entry, key, value, this.#catalog);
    const options = this.#options(this.#ctx.modelSpec(entry.provider), entry.definition.options, at);
    out = options === entry.definition.options ? entry : { ...entry, rawOptions: options.raw, definition: { ...entry.definition, options } };
    this.#models.set(entry, out);
    return out;
  }

  /** The options with every reference substituted and typed values parsed anew; the same object when nothing changed. */
  #options(spec: ConfigSpec, options: ResolvedOptions, at: Located): ResolvedOptions {
    const raw: Record<string, string> = {};
    let changed = false;
    for (const [key, value] of Object.entries(options.raw)) {
      const secret = this.#secretKeys.has(key);
      const resolved = substituteOptionRefs(value, (ref) => {
        const text = this.#refs.read(ref);
        if (typeof text === 'object') {
          this.diagnostics.push({ code: 'PD4202', message: `option '${key}' names ${describeOptionRef(ref)}, which ${text.problem}`, span: at(key, value) });
          return '';
        }
        if (secret || ref.kind === 'file') this.secrets.add(text);
        return text;
      });
      if (secret) this.secrets.add(resolved);
      if (resolved !== value) changed = true;
      raw[key] = resolved;
    }
    if (!changed) return options;
    const result = resolveOptions(spec, raw);
    for (const p of result.problems) {
      // Unknown and missing keys were the catalog's to report; only a value that changed can be newly invalid.
      if (p.kind !== 'invalid' || raw[p.key] === options.raw[p.key]) continue;
      const written = options.raw[p.key]!;
      const message = raw[p.key] ? p.message.split(`'${raw[p.key]}'`).join(`'${written}'`) : p.message;
      this.diagnostics.push({ code: 'PD2008', message: `${message} (after resolving ${optionRefs(written).map(describeOptionRef).join(', ')})`, span: at(p.key, written) });
    }
    return result.options;
  }
}

/** Where the value was written: the model's own WITH (or ALTER ... SET), else the CONNECTION it came from. */
function modelValueSpan(model: ModelEntry, key: string, value: string, catalog: Catalog): Span {
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
