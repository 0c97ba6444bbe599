import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelDefinition, PredictOptions, PredictOutcome } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import type { Clock } from '../clock.js';
import type { BoundModelFunction, ModelStats } from '../model-function.js';
import { modelConfigError, ProviderClosedError } from '../provider-errors.js';
import { compileContextOverflow } from './context-overflow-options.js';
import { ContextWindow } from './context-window.js';
import { OverflowWarning } from './overflow-warning.js';
import { tokenizerForModel } from './tokenizer-for-model.js';

/**
 * The model's context window, when `max-context-size` is set (else undefined: no row is counted
 * and no tokenizer is loaded). The tokenizer is picked by the `model` option; a system prompt that
 * leaves no room for any row text is a configuration error, not a stream of empty requests.
 */
export function contextWindowFor(model: ModelDefinition, client: ModelClient, log: Logger, clock: Clock): ContextWindow | undefined {
  const policy = compileContextOverflow(model.options);
  if (!policy) return undefined;
  const tokenizer = tokenizerForModel(model.options.get<string>('model'));
  const systemPromptTokens = client.systemPrompt ? tokenizer.count(client.systemPrompt) : 0;
  if (systemPromptTokens >= policy.maxContextSize) {
    throw modelConfigError(
      model,
      `the system prompt alone counts ${systemPromptTokens} tokens (${tokenizer.name}), which leaves no room under max-context-size ${policy.maxContextSize}`,
    );
  }
  log.debug({ tokenizer: tokenizer.name, maxContextSize: policy.maxContextSize, systemPromptTokens, action: policy.action }, 'context window');
  return new ContextWindow(policy, tokenizer, systemPromptTokens, new OverflowWarning(log, clock));
}

/**
 * A bound model whose rows pass the context window first: a row over the size reaches the model
 * cut to fit, or not at all (skipped: no request, no output row, as Flink drops it). Wrapping the
 * bound model keeps the per-row path of models without `max-context-size` untouched.
 */
export function withContextWindow(inner: BoundModelFunction, window: ContextWindow): BoundModelFunction {
  return new ContextWindowModel(inner, window);
}

const NO_ROWS: PredictOutcome = Object.freeze({ ok: true, rows: Object.freeze([]) });

class ContextWindowModel implements BoundModelFunction {
  readonly #inner: BoundModelFunction;
  readonly #window: ContextWindow;
  #closed = false;

  constructor(inner: BoundModelFunction, window: ContextWindow) {
    this.#inner = inner;
    this.#window = window;
  }

  get model(): string {
    return this.#inner.model;
  }

  get quotaKey(): string {
    return this.#inner.quotaKey;
  }

  get policy(): BoundModelFunction['policy'] {
    return this.#inner.policy;
  }

  predict(inputs: readonly Value[], opts: PredictOptions): Promise<PredictOutcome> {
    const fitted = this.#window.fit(inputs);
    if (fitted) return this.#inner.predict(fitted, opts);
    if (this.#closed) return Promise.reject(new ProviderClosedError(`model '${this.model}' is closed`));
    if (opts.signal.aborted) return Promise.reject(opts.signal.reason);
    return Promise.resolve(NO_ROWS);
  }

  stats(): ModelStats {
    return Object.freeze({ ...this.#inner.stats(), contextOverflow: this.#window.stats() });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#window.close();
    }
    return this.#inner.close();
  }
}
