import type { Value } from '../../types/data-type.js';
import { logsOverflow, overflowCut, type ContextOverflowAction, type ContextOverflowPolicy } from './context-overflow-options.js';
import type { OverflowWarning } from './overflow-warning.js';
import type { Tokenizer } from './tokenizer.js';

/** What a model's context window did, for its stats and `predictd_model_context_overflow_total`. */
export interface ContextOverflowStats {
  readonly action: ContextOverflowAction;
  /** Rows over `max-context-size` (truncated or skipped, as `action` says). */
  readonly rows: number;
}

/**
 * `max-context-size` applied to one model's rows before the request is built: the prompt the
 * provider will send (its fixed system prompt plus the row's text) is counted, and a row over the
 * size is cut to fit or skipped. The system prompt's tokens are counted once, at bind.
 */
export class ContextWindow {
  readonly #policy: ContextOverflowPolicy;
  readonly #tokenizer: Tokenizer;
  /** Tokens left for the row's text once the system prompt is counted (at least 1). */
  readonly #budget: number;
  readonly #systemPromptTokens: number;
  readonly #cut: 'start' | 'end' | 'skip';
  readonly #warning: OverflowWarning | undefined;
  #overflows = 0;

  constructor(policy: ContextOverflowPolicy, tokenizer: Tokenizer, systemPromptTokens: number, warning: OverflowWarning) {
    this.#policy = policy;
    this.#tokenizer = tokenizer;
    this.#systemPromptTokens = systemPromptTokens;
    this.#budget = policy.maxContextSize - systemPromptTokens;
    this.#cut = overflowCut(policy.action);
    this.#warning = logsOverflow(policy.action) ? warning : undefined;
  }

  /**
   * The inputs to send: the same array when the row fits (or its input is not text), a copy with
   * the text cut when it does not, or undefined when the row is to be skipped.
   */
  fit(inputs: readonly Value[]): readonly Value[] | undefined {
    const text = inputs[0];
    if (typeof text !== 'string') return inputs;
    const budget = this.#budget;
    const tokenizer = this.#tokenizer;
    if (tokenizer.fitsWithoutCounting(text, budget)) return inputs;
    const tokens = tokenizer.count(text);
    if (tokens <= budget) return inputs;
    this.#overflows++;
    this.#warning?.note({
      action: this.#policy.action,
      maxContextSize: this.#policy.maxContextSize,
      tokens: this.#systemPromptTokens + tokens,
      tokenizer: tokenizer.name,
    });
    const cut = this.#cut;
    if (cut === 'skip') return undefined;
    const kept = tokenizer.cut(text, budget, cut);
    const out = inputs.slice();
    out[0] = kept;
    return out;
  }

  stats(): ContextOverflowStats {
    return { action: this.#policy.action, rows: this.#overflows };
  }

  /** Reports the overflows not yet logged. */
  close(): void {
    this.#warning?.flush();
  }
}
