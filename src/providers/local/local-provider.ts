import type { ModelClient, ModelDefinition, ModelProviderFactory, ModelResponse, ProviderContext } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { abortableSleep } from '../clock.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { modelConfigError } from '../provider-errors.js';
import { describeColumns, isFloatArray, isFloatingPoint, isStringLike } from '../schema-rules.js';
import { CHARS_PER_TOKEN } from '../token-estimate.js';
import { hashingEmbedding } from './hashing-embedding.js';
import { LOCAL_SPEC } from './local-options.js';
import { analyzeSentiment } from './sentiment.js';

type LocalTask = 'sentiment' | 'embedding';

/** Offline models for demos and tests: AFINN sentiment and hashing-trick embeddings. No network. */
export const localProvider: ModelProviderFactory = Object.freeze({
  names: Object.freeze(['local']),
  summary: 'Offline models without network: AFINN-165 sentiment labels and deterministic hashing-trick embeddings',
  spec: LOCAL_SPEC,
  checkSchema,
  create,
});

function taskOf(model: ModelDefinition): LocalTask {
  return isEmbeddingTask(model.options.get<string>('task')) ? 'embedding' : 'sentiment';
}

function checkSchema(model: ModelDefinition): readonly string[] {
  const problems: string[] = [];
  const { inputs, outputs } = model;
  if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) {
    problems.push(`local models take exactly one STRING input column, not ${describeColumns(inputs)}`);
  }
  if (taskOf(model) === 'embedding') {
    if (outputs.length !== 1 || !isFloatArray(outputs[0]!.type)) {
      problems.push(`the local embedding task produces one ARRAY<FLOAT> (or ARRAY<DOUBLE>) column, not ${describeColumns(outputs)}`);
    }
  } else {
    const labelOk = outputs.length >= 1 && isStringLike(outputs[0]!.type);
    const scoreOk = outputs.length === 1 || (outputs.length === 2 && isFloatingPoint(outputs[1]!.type));
    if (!labelOk || !scoreOk) {
      problems.push(`the local sentiment task produces a STRING label and optionally a DOUBLE score, not ${describeColumns(outputs)}`);
    }
  }
  return problems;
}

function create(model: ModelDefinition, _ctx: ProviderContext): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const o = model.options;
  return new LocalClient({
    task: taskOf(model),
    dimension: o.get<number>('dimension') ?? 256,
    neutralThreshold: o.get<number>('neutral-threshold') ?? 1.5,
    latencyMs: o.get<number>('latency') ?? 0,
    withScore: model.outputs.length === 2,
  });
}

interface LocalConfig {
  readonly task: LocalTask;
  readonly dimension: number;
  readonly neutralThreshold: number;
  readonly latencyMs: number;
  readonly withScore: boolean;
}

class LocalClient implements ModelClient {
  readonly quotaKey = 'local';
  readonly #config: LocalConfig;

  constructor(config: LocalConfig) {
    this.#config = config;
  }

  estimateTokens(inputs: readonly Value[]): number {
    const v = inputs[0];
    return Math.max(1, Math.ceil((typeof v === 'string' ? v.length : 0) / CHARS_PER_TOKEN));
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    if (this.#config.latencyMs > 0) await abortableSleep(this.#config.latencyMs, opts.signal);
    const v = inputs[0];
    if (v === null || v === undefined) return { rows: [] };
    const text = typeof v === 'string' ? v : String(v);
    const promptTokens = this.estimateTokens(inputs);
    if (this.#config.task === 'embedding') {
      return { rows: [[hashingEmbedding(text, this.#config.dimension)]], usage: { promptTokens, completionTokens: 0, totalTokens: promptTokens } };
    }
    const s = analyzeSentiment(text, this.#config.neutralThreshold);
    const row: Value[] = this.#config.withScore ? [s.label, s.normalized] : [s.label];
    return { rows: [row], usage: { promptTokens, completionTokens: 1, totalTokens: promptTokens + 1 } };
  }
}
