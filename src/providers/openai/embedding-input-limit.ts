import type { Logger } from '../../spi/logger.js';
import { estimateTokenizer } from '../context-window/estimate-tokenizer.js';

/**
 * Flink's Qwen provider documents `max-tokens` of an embedding model as the "maximum number of
 * tokens processed per line" (text-embedding-v4 takes 8,192). DashScope's OpenAI-compatible
 * embeddings have no body field for it, so the limit is applied before sending: a longer text
 * keeps its head (Flink's default overflow action, `truncated-tail`), counted by the same
 * estimate as `max-context-size` for models without a known vocabulary (estimate-tokenizer.ts),
 * which errs towards cutting.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  return estimateTokenizer.fitsWithoutCounting(text, maxTokens) ? text : estimateTokenizer.cut(text, maxTokens, 'start');
}

/**
 * The texts of a batch cut to `maxTokens` each (unchanged when unset); the first cut is logged
 * once per model so a limit that bites is never silent.
 */
export function embeddingInputLimit(maxTokens: number | undefined, log: Logger): (texts: readonly string[]) => readonly string[] {
  if (maxTokens === undefined) return (texts) => texts;
  let cuts = 0;
  return (texts) =>
    texts.map((text) => {
      const kept = truncateToTokens(text, maxTokens);
      if (kept.length < text.length && ++cuts === 1) {
        log.warn({ maxTokens, chars: text.length, keptChars: kept.length }, `embedding input over max-tokens (${maxTokens}, estimated) cut at the tail (logged once)`);
      }
      return kept;
    });
}
