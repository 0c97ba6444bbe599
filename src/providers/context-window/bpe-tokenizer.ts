import { createRequire } from 'node:module';
import type { Tokenizer } from './tokenizer.js';

/** The OpenAI encodings predictd counts with (gpt-tokenizer's names). */
export type BpeEncodingName = 'o200k_base' | 'cl100k_base';

/** The slice of a gpt-tokenizer encoding module used here. */
interface BpeEncoding {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(tokens: Iterable<number>): string;
}

/**
 * Special-token spellings such as `<|endoftext|>` in row text are counted as ordinary text (as
 * Flink's `encodeOrdinary` does), not rejected: the API reads them as text too.
 */
const ORDINARY = Object.freeze({ disallowedSpecial: new Set<string>() });

/** A character's UTF-8 bytes at most, so the tokens a cut can split it across. */
const UTF8_MAX_BYTES = 4;

const require = createRequire(import.meta.url);
const loaded = new Map<BpeEncodingName, BpeEncoding>();

/**
 * Loaded on first use and kept for the process: an encoding's rank table takes a few hundred ms
 * and tens of MB to build, which only models with `max-context-size` should pay, once.
 * (`require` of the CommonJS build: binding a model is synchronous.)
 */
function encodingOf(name: BpeEncodingName): BpeEncoding {
  let enc = loaded.get(name);
  if (!enc) {
    enc = require(`gpt-tokenizer/cjs/encoding/${name}`) as BpeEncoding;
    loaded.set(name, enc);
  }
  return enc;
}

/** A real OpenAI tokenizer: counts what the API bills, cuts on token boundaries. */
export function bpeTokenizer(name: BpeEncodingName): Tokenizer {
  const enc = encodingOf(name);
  const encode = (text: string) => enc.encode(text, ORDINARY);
  return Object.freeze({
    name,
    // A token is at least one UTF-8 byte, and a UTF-16 unit at most three of them.
    fitsWithoutCounting: (text: string, budget: number) => text.length * 3 <= budget || Buffer.byteLength(text, 'utf8') <= budget,
    count: (text: string) => encode(text).length,
    cut: (text: string, budget: number, keep: 'start' | 'end') => cutTokens(enc, text, encode(text), budget, keep),
  });
}

/**
 * The kept tokens decoded. A character split across tokens (an emoji, a rare CJK character) would
 * decode to U+FFFD at the cut: one token more is dropped until the text is an exact part of the
 * input again (a UTF-8 character spans at most four tokens).
 */
function cutTokens(enc: BpeEncoding, text: string, tokens: readonly number[], budget: number, keep: 'start' | 'end'): string {
  if (tokens.length <= budget) return text;
  for (let n = budget; n > 0 && n > budget - UTF8_MAX_BYTES; n--) {
    const kept = keep === 'start' ? enc.decode(tokens.slice(0, n)) : enc.decode(tokens.slice(tokens.length - n));
    if (keep === 'start' ? text.startsWith(kept) : text.endsWith(kept)) return kept;
  }
  return '';
}
