import { CHARS_PER_TOKEN, estimateTextTokens, isHighSurrogate, isLowSurrogate } from '../token-estimate.js';
import type { Tokenizer } from './tokenizer.js';

/**
 * The tokenizer of models predictd has no vocabulary for (Claude, Gemini, Llama, Qwen ...):
 * `estimateTextTokens`, cut on code points so that a surrogate pair is kept or dropped whole.
 */
export const estimateTokenizer: Tokenizer = Object.freeze({
  name: 'estimate',
  // A character counts at most one token.
  fitsWithoutCounting: (text: string, budget: number) => text.length <= budget,
  count: estimateTextTokens,
  cut: (text: string, budget: number, keep: 'start' | 'end') => (keep === 'start' ? keepStart(text, budget) : keepEnd(text, budget)),
});

/** The longest start of `text` whose estimate is within `budget`, counted in quarter tokens as estimateTextTokens does. */
function keepStart(text: string, budget: number): string {
  const limit = budget * CHARS_PER_TOKEN;
  let quarters = 0;
  let end = 0;
  while (end < text.length) {
    const unit = text.charCodeAt(end);
    const width = isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(end + 1)) ? 2 : 1;
    quarters += unit < 0x80 ? 1 : CHARS_PER_TOKEN;
    if (quarters > limit) break;
    end += width;
  }
  return text.slice(0, end);
}

/** The longest end of `text` whose estimate is within `budget`. */
function keepEnd(text: string, budget: number): string {
  const limit = budget * CHARS_PER_TOKEN;
  let quarters = 0;
  let start = text.length;
  while (start > 0) {
    const unit = text.charCodeAt(start - 1);
    const width = isLowSurrogate(unit) && start >= 2 && isHighSurrogate(text.charCodeAt(start - 2)) ? 2 : 1;
    quarters += unit < 0x80 ? 1 : CHARS_PER_TOKEN;
    if (quarters > limit) break;
    start -= width;
  }
  return text.slice(start);
}
