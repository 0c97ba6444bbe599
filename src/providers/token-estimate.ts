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

/**
 * A text's tokens for models whose tokenizer predictd does not carry: an ASCII character counts a
 * quarter token (the rule of thumb above), any other character (a code point: CJK, Cyrillic, an
 * emoji) a whole one. chars/4 alone would count a Chinese sentence at a quarter of its tokens;
 * real tokenizers give CJK 0.4 to 1.1 tokens a character, other scripts less. Never more than
 * `text.length`, so a text no longer than a budget fits it without being scanned.
 */
export function estimateTextTokens(text: string): number {
  let quarters = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) quarters += 1;
    else {
      quarters += CHARS_PER_TOKEN;
      if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    }
  }
  return Math.ceil(quarters / CHARS_PER_TOKEN);
}

export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
