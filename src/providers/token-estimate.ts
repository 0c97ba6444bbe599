import type { Value } from '../types/data-type.js';
import { textOf } from './text-of.js';

/** Characters per token for estimates: the usual English rule of thumb. */
export const CHARS_PER_TOKEN = 4;
/** Completion tokens assumed by the chat estimate when `max-tokens` is unset. */
export const DEFAULT_EXPECTED_COMPLETION_TOKENS = 256;

/** Prompt (system prompt and row text) plus the expected completion, `n` times for `n` choices. */
export function estimateChatTokens(
  input: Value | undefined,
  c: { readonly systemPrompt?: string | undefined; readonly maxTokens?: number | undefined; readonly n?: number | undefined },
): number {
  const prompt = Math.ceil(((c.systemPrompt?.length ?? 0) + textOf(input).length) / CHARS_PER_TOKEN);
  return prompt + (c.maxTokens ?? DEFAULT_EXPECTED_COMPLETION_TOKENS) * (c.n ?? 1);
}

/** The row text's tokens, at least one. */
export function estimateEmbeddingTokens(input: Value | undefined): number {
  return Math.max(1, Math.ceil(textOf(input).length / CHARS_PER_TOKEN));
}
