/** Word features weigh this much; each character trigram of the word weighs TRIGRAM_WEIGHT. */
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.5;

/**
 * A deterministic bag-of-features embedding (the hashing trick): every word and every character
 * trigram of '<word>' adds ±weight to one of `dimension` buckets, the sign from an independent
 * hash bit so collisions cancel on average; the vector is L2-normalised. Texts sharing words or
 * word pieces get a positive cosine similarity. Empty text gives the zero vector.
 */
export function hashingEmbedding(text: string, dimension: number): number[] {
  const v = new Float64Array(dimension);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    add(v, `w:${word}`, WORD_WEIGHT);
    const padded = `<${word}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(v, `c:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return Array.from(v, (x) => (norm === 0 ? 0 : Math.fround(x / norm)));
}

function add(v: Float64Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const bucket = fmix32(h) % v.length;
  const sign = fmix32(h ^ 0x9e3779b9) & 1 ? -1 : 1;
  v[bucket]! += sign * weight;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits over the whole word. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
