import { bpeTokenizer, type BpeEncodingName } from './bpe-tokenizer.js';
import { estimateTokenizer } from './estimate-tokenizer.js';
import type { Tokenizer } from './tokenizer.js';

/**
 * The OpenAI encoding of a model name, as tiktoken maps them: o200k_base for gpt-4o, gpt-4.1,
 * gpt-4.5, gpt-5, gpt-oss and the o-series; cl100k_base for gpt-4, gpt-3.5 (Azure's `gpt-35`)
 * and the text-embedding-3 / ada-002 embeddings. A routing prefix (`openai/gpt-4o`) is ignored.
 * Anything else: undefined, and the estimate counts.
 */
export function encodingForModel(model: string | undefined): BpeEncodingName | undefined {
  if (!model) return undefined;
  const lower = model.trim().toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o[1-9](-|$))/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|gpt-35|text-embedding-3-|text-embedding-ada-002)/.test(name)) return 'cl100k_base';
  return undefined;
}

/** The tokenizer `max-context-size` counts with for a model: the real one when known, else the estimate. */
export function tokenizerForModel(model: string | undefined): Tokenizer {
  const encoding = encodingForModel(model);
  return encoding ? bpeTokenizer(encoding) : estimateTokenizer;
}
