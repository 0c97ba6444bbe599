import type { Diagnostic } from '../errors/diagnostic.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { SourcePosition } from './source-position.js';
import type { Comment, Token, TokenKind } from './token.js';

export interface TokenizeResult {
  /** Always ends with one `eof` token. */
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
  /** Every complete comment, in source order (an unterminated one is a diagnostic instead). */
  readonly comments: Comment[];
}

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_$]/u;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/u;
const TWO_CHAR_SYMBOLS: ReadonlySet<string> = new Set(['=>', '<>', '!=', '<=', '>=', '||']);
const ONE_CHAR_SYMBOLS: ReadonlySet<string> = new Set([...'=<>+-*/%()[],;.']);

/**
 * Splits Flink SQL text into tokens. Never throws: a bad character or an unterminated
 * string, quoted identifier or comment becomes a diagnostic plus an `invalid` token, so the
 * parser can stop at it without reporting the same problem twice.
 */
export function tokenize(source: string): TokenizeResult {
  return new Tokenizer(source).run();
}

class Tokenizer {
  private readonly positions: SourcePosition;
  private readonly tokens: Token[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly comments: Comment[] = [];
  private pos = 0;

  constructor(private readonly source: string) {
    this.positions = new SourcePosition(source);
  }

  run(): TokenizeResult {
    const src = this.source;
    while (this.pos < src.length) {
      const ch = src[this.pos];
      const next = src[this.pos + 1] ?? '';
      if (WHITESPACE.test(ch)) this.pos++;
      else if (ch === '-' && next === '-') this.skipLineComment();
      else if (ch === '/' && next === '*') this.skipBlockComment();
      else if (ch === "'") this.readQuoted("'", 'string', 'string literal');
      else if (ch === '`') this.readQuoted('`', 'quoted_ident', 'quoted identifier');
      else if (ch === '"') this.readDoubleQuoted();
      else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(next) && !this.followsOperand())) this.readNumber();
      else if (IDENT_START.test(ch)) this.readWord();
      else this.readSymbol(ch, next);
    }
    const last = this.tokens[this.tokens.length - 1];
    const end = last ? last.span.end : 0;
    this.tokens.push(this.token('eof', end, end, ''));
    return { tokens: this.tokens, diagnostics: this.diagnostics, comments: this.comments };
  }

  private token(kind: TokenKind, start: number, end: number, value: string): Token {
    const text = this.source.slice(start, end);
    const keyword = kind === 'ident' ? text.toUpperCase() : '';
    return { kind, text, value, keyword, span: this.positions.span(start, end) };
  }

  private push(kind: TokenKind, start: number, value: string): void {
    this.tokens.push(this.token(kind, start, this.pos, value));
  }

  private invalid(start: number, code: ErrorCode, message: string): void {
    const token = this.token('invalid', start, this.pos, '');
    this.tokens.push(token);
    this.diagnostics.push({ code, message, span: token.span });
  }

  /** `.5` is a number unless it directly follows a name, `)` or `]` (then `.` is a dot). */
  private followsOperand(): boolean {
    const prev = this.tokens[this.tokens.length - 1];
    if (!prev || prev.span.end !== this.pos) return false;
    return prev.kind === 'ident' || prev.kind === 'quoted_ident' || prev.text === ')' || prev.text === ']';
  }

  private skipLineComment(): void {
    const start = this.pos;
    const end = this.source.indexOf('\n', this.pos);
    this.pos = end < 0 ? this.source.length : end + 1;
    // The text stops before the line break (and a CR before it): the break belongs to the layout.
    const textEnd = end < 0 ? this.source.length : end > start && this.source[end - 1] === '\r' ? end - 1 : end;
    this.comment('line', start, textEnd);
  }

  private comment(kind: Comment['kind'], start: number, end: number): void {
    this.comments.push({ kind, text: this.source.slice(start, end), span: this.positions.span(start, end) });
  }

  private skipBlockComment(): void {
    const start = this.pos;
    const end = this.source.indexOf('*/', this.pos + 2);
    if (end >= 0) {
      this.pos = end + 2;
      this.comment('block', start, this.pos);
      return;
    }
    this.pos = this.source.length;
    this.invalid(start, 'PD1002', 'unterminated comment: missing */');
  }

  /** `'it''s'` and `` `a``b` ``: the quote character is escaped by doubling it. */
  private readQuoted(quote: string, kind: TokenKind, what: string): void {
    const src = this.source;
    const start = this.pos;
    let value = '';
    let from = start + 1;
    for (;;) {
      const at = src.indexOf(quote, from);
      if (at < 0) {
        this.pos = src.length;
        this.invalid(start, 'PD1002', `unterminated ${what}: missing closing ${quote}`);
        return;
      }
      value += src.slice(from, at);
      if (src[at + 1] === quote) {
        value += quote;
        from = at + 2;
        continue;
      }
      this.pos = at + 1;
      this.push(kind, start, value);
      return;
    }
  }

  private readDoubleQuoted(): void {
    const start = this.pos;
    const end = this.source.indexOf('"', start + 1);
    this.pos = end < 0 ? start + 1 : end + 1;
    this.invalid(start, 'PD1001', "double quotes are not Flink SQL: write strings as '...' and identifiers as `...`");
  }

  /** 12, 1.5, .5, 1., 1e10, 2.5E-3. A number running into letters (`12ab`, `1e`) is invalid. */
  private readNumber(): void {
    const src = this.source;
    const start = this.pos;
    while (DIGIT.test(src[this.pos] ?? '')) this.pos++;
    if (src[this.pos] === '.') {
      this.pos++;
      while (DIGIT.test(src[this.pos] ?? '')) this.pos++;
    }
    const e = src[this.pos];
    if (e === 'e' || e === 'E') {
      const sign = src[this.pos + 1] === '+' || src[this.pos + 1] === '-' ? 1 : 0;
      if (DIGIT.test(src[this.pos + 1 + sign] ?? '')) {
        this.pos += 1 + sign;
        while (DIGIT.test(src[this.pos] ?? '')) this.pos++;
      }
    }
    if (IDENT_PART.test(src[this.pos] ?? '')) {
      while (IDENT_PART.test(src[this.pos] ?? '')) this.pos++;
      this.invalid(start, 'PD1006', `invalid number literal '${src.slice(start, this.pos)}'`);
      return;
    }
    this.push('number', start, src.slice(start, this.pos));
  }

  private readWord(): void {
    const start = this.pos;
    this.pos++;
    while (IDENT_PART.test(this.source[this.pos] ?? '')) this.pos++;
    this.push('ident', start, this.source.slice(start, this.pos));
  }

  private readSymbol(ch: string, next: string): void {
    const start = this.pos;
    const two = ch + next;
    if (TWO_CHAR_SYMBOLS.has(two)) {
      this.pos += 2;
      this.push('symbol', start, two);
    } else if (ONE_CHAR_SYMBOLS.has(ch)) {
      this.pos++;
      this.push('symbol', start, ch);
    } else {
      const cp = this.source.codePointAt(start) ?? 0;
      this.pos += cp > 0xffff ? 2 : 1;
      this.invalid(start, 'PD1001', `unexpected character '${String.fromCodePoint(cp)}'`);
    }
  }
}
