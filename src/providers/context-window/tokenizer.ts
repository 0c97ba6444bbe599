/** Counts and cuts text the way one model (or the estimate) sees it. */
export interface Tokenizer {
  /** 'o200k_base', 'cl100k_base' or 'estimate': logged and shown, so the count can be judged. */
  readonly name: string;
  /**
   * True when `text` is sure to be within `budget` without counting: a bound computed in O(1)
   * or one native pass, so that the rows far below the limit (most of them) cost no tokenizing.
   */
  fitsWithoutCounting(text: string, budget: number): boolean;
  count(text: string): number;
  /**
   * The longest part of `text` within `budget` tokens that keeps its start ('start') or its end
   * ('end'), always an exact substring of `text` (no lone surrogate, no replacement character).
   */
  cut(text: string, budget: number, keep: 'start' | 'end'): string;
}
