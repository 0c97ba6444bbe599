import type { ModelEntry } from '../catalog/catalog-entries.js';
import type { PipelinePlan } from '../planner/pipeline-plan.js';
import type { OptionValue, ResolvedOptions } from '../spi/config-spec.js';
import type { ConnectorContext } from '../spi/connector.js';
import { ModelCallError, type ModelClient, type ModelProviderFactory } from '../spi/model-provider.js';
import { isPermanentFailure } from '../spi/sink.js';
import type { Value } from '../types/data-type.js';

type SearchStage = Extract<PipelinePlan['stages'][number], { kind: 'search' }>;

/** Flink's lookup retry default (`lookup.max-retries` of the JDBC and HBase lookup sources). */
const DEFAULT_MAX_RETRIES = 3;

/**
 * A VECTOR_SEARCH stage as a model entry, so it is bound like an ML_PREDICT model: the same
 * per-attempt timeout, per-row timeout, retry loop with backoff, error strategy and metrics
 * (model-function.ts), with the connector's searcher in place of a provider's client. A search
 * that fails after `lookup.max-retries` retries fails the job (FAILOVER), as a failed lookup does
 * in Flink; the job's restart strategy then brings it back.
 */
export function vectorSearchModel(stage: SearchStage, ctx: ConnectorContext): ModelEntry {
  const { table } = stage;
  const name = `${stage.aggregate ? 'VECTOR_SEARCH_AGG' : 'VECTOR_SEARCH'}(${table.name})`;
  const provider: ModelProviderFactory = {
    names: [table.connector.name],
    summary: `VECTOR_SEARCH over a '${table.connector.name}' table`,
    spec: { options: [] },
    checkSchema: () => [],
    create: () => searchClient(stage, ctx),
  };
  const options = fixedOptions({
    'error-handling-strategy': 'RETRY',
    'retry-num': table.definition.options.get<number>('lookup.max-retries') ?? DEFAULT_MAX_RETRIES,
    'retry-fallback-strategy': 'FAILOVER',
    ...optional('client-timeout', table.definition.options.get<number>('search.request-timeout')),
  });
  const inputs = [{ name: stage.column, type: stage.query.type }];
  return {
    kind: 'model',
    name,
    temporary: true,
    node: undefined as never,
    inputs,
    outputs: stage.outputs,
    provider,
    definition: { name, provider: table.connector.name, inputs, outputs: stage.outputs, options },
    written: {},
    rawOptions: {},
  };
}

/** One search per call; a searcher's permanent failure (a collection that does not fit) is not retried. */
function searchClient(stage: SearchStage, ctx: ConnectorContext): ModelClient {
  const searcher = stage.table.connector.createVectorSearcher!(stage.table.definition, { column: stage.column, topK: stage.topK }, ctx);
  const keep = stage.aggregate?.keep;
  return {
    quotaKey: `vector-search:${searcher.target}`,
    estimateTokens: () => 1,
    async call(inputs, { signal }) {
      let rows: readonly (readonly Value[])[];
      try {
        rows = await searcher.search(inputs[0] as readonly number[], { signal });
      } catch (err) {
        if (signal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        throw new ModelCallError(isPermanentFailure(err) ? 'fatal' : 'transient', message, { cause: err });
      }
      if (!keep) return { rows };
      // VECTOR_SEARCH_AGG: the hits of one query row as one array of ROW(non-vector columns..., score).
      return { rows: [[rows.map((r) => [...keep.map((i) => r[i] ?? null), r.at(-1) ?? null])]] };
    },
    close: () => searcher.close(),
  };
}

function optional(key: string, value: OptionValue | undefined): Record<string, OptionValue> {
  return value === undefined ? {} : { [key]: value };
}

/** Options fixed by predictd (no WITH map to parse): what compileModelPolicy reads. */
function fixedOptions(values: Readonly<Record<string, OptionValue>>): ResolvedOptions {
  const raw = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
  return {
    get: <T extends OptionValue>(key: string) => values[key] as T | undefined,
    require: <T extends OptionValue>(key: string) => {
      if (!(key in values)) throw new Error(`option '${key}' has no value`);
      return values[key] as T;
    },
    withPrefix: () => ({}),
    raw,
  };
}
