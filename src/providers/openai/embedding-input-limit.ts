import type { Logger } from '../../spi/logger.js';
import { CHARS_PER_TOKEN } from '../token-estimate.js';

/**
 * Flink's Qwen provider documents `max-tokens` of an embedding model as the "maximum number of
 * tokens processed per line" (text-embedding-v4 takes 8,192). DashScope's OpenAI-compatible
 * embeddings have no body field for it, so the limit is applied before sending: a longer text
 * keeps its head (Flink's default overflow action, `truncated-tail`).
 *
 * Without the model's tokenizer the count is an estimate that errs towards cutting: an ASCII
 * character is 1/CHARS_PER_TOKEN of a token (English runs about four characters a token), any
 * other character (CJK, accented letters) a whole token, as Qwen's and OpenAI's BPE vocabularies
 * give CJK text at most about one token a character.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  // Cheap exit for the common case: even at a token a character the text fits.
  if (text.length <= maxTokens) return text;
  let cost = 0;
  let end = 0;
  for (const ch of text) {
    cost += ch.charCodeAt(0) < 0x80 ? 1 / CHARS_PER_TOKEN : 1;
    if (cost > maxTokens) return text.slice(0, end);
    end += ch.length;
  }
  return text;
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
