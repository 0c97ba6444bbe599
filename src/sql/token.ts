import type { Span } from '../errors/diagnostic.js';

/**
 * `ident` is any unquoted word: keywords are words too, recognised by the parser in
 * context, so most of them stay usable as column names. `invalid` stands in for text the
 * tokenizer already reported (bad character, unterminated string or comment).
 */
export type TokenKind = 'ident' | 'quoted_ident' | 'string' | 'number' | 'symbol' | 'eof' | 'invalid';

export interface Token {
  readonly kind: TokenKind;
  /** The exact source text of the token. */
  readonly text: string;
  /** Identifier name, string contents with escapes resolved, number text, or the symbol. */
  readonly value: string;
  /** Upper-cased text of an unquoted word, for case-insensitive keyword checks; '' otherwise. */
  readonly keyword: string;
  readonly span: Span;
}

/**
 * A line comment (`--` to the end of the line) or a block comment (slash-star to star-slash). Comments are not tokens (the parser never sees them); the
 * tokenizer keeps them aside so tools that rewrite a file (`predictd fmt`) can put them back.
 */
export interface Comment {
  readonly kind: 'line' | 'block';
  /** The exact text, delimiters included; a line comment without its line break. */
  readonly text: string;
  readonly span: Span;
}
