import type { Diagnostic, Span } from '../../errors/diagnostic.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { assertNever } from '../../types/data-type.js';
import { IdentifierNode } from '../ast/identifier-node.js';
import { QualifiedNameNode } from '../ast/qualified-name-node.js';
import { StringLiteralNode } from '../ast/string-literal-node.js';
import { isReservedWord } from '../keywords.js';
import type { Token } from '../token.js';
import { ParseError } from './parse-error.js';

/**
 * The token cursor every parse function works on, with small match/expect helpers and
 * the one error helper (`raiseError`). The grammar itself lives in the family modules
 * (ddl-parser.ts, query-parser.ts, expr-parser.ts ...), which take a Parser as first argument.
 */
export class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  // ---- cursor -------------------------------------------------------------------------

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  /** The last consumed token (the first token when nothing was consumed yet). */
  get previous(): Token {
    return this.tokens[Math.max(0, this.pos - 1)];
  }

  advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  mark(): number {
    return this.pos;
  }

  reset(mark: number): void {
    this.pos = mark;
  }

  tokenAt(mark: number): Token {
    return this.tokens[Math.min(mark, this.tokens.length - 1)];
  }

  // ---- keywords and symbols -------------------------------------------------------------

  isKeyword(word: string, offset = 0): boolean {
    return this.peek(offset).keyword === word;
  }

  /** True when the next tokens are exactly these keywords. */
  isKeywords(...words: string[]): boolean {
    return words.every((word, i) => this.isKeyword(word, i));
  }

  matchKeyword(word: string): Token | null {
    return this.isKeyword(word) ? this.advance() : null;
  }

  /** Consumes the whole keyword sequence, or nothing. */
  matchKeywords(...words: string[]): boolean {
    if (!this.isKeywords(...words)) return false;
    for (let i = 0; i < words.length; i++) this.advance();
    return true;
  }

  expectKeyword(word: string): Token {
    return this.matchKeyword(word) ?? this.unexpected(word);
  }

  expectKeywords(...words: string[]): void {
    for (const word of words) this.expectKeyword(word);
  }

  isSymbol(symbol: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'symbol' && token.value === symbol;
  }

  matchSymbol(symbol: string): Token | null {
    return this.isSymbol(symbol) ? this.advance() : null;
  }

  expectSymbol(symbol: string): Token {
    return this.matchSymbol(symbol) ?? this.unexpected(`'${symbol}'`);
  }

  // ---- errors -------------------------------------------------------------------------

  raiseError(code: ErrorCode, message: string, at: Token | Span): never {
    const span = 'span' in at ? at.span : at;
    throw new ParseError({ code, message, span });
  }

  /** PD1003 at the current token (PD1004 at the end of input). */
  unexpected(expected: string): never {
    const token = this.peek();
    if (token.kind === 'invalid') throw new ParseError(null);
    if (token.kind === 'eof') this.raiseError('PD1004', `unexpected end of input: expected ${expected}`, token);
    this.raiseError('PD1003', `expected ${expected}, found ${describeToken(token)}`, token);
  }

  /** PD1005, pointing at the keyword that starts the unsupported construct. */
  unsupported(what: string, at: Token | Span): never {
    this.raiseError('PD1005', `${what} is not supported by predictd yet`, at);
  }

  report(error: ParseError): void {
    if (error.diagnostic) this.diagnostics.push(error.diagnostic);
  }

  /** From the start of `from` to the end of the last consumed token. */
  spanFrom(from: Token | Span): Span {
    const start = 'span' in from ? from.span : from;
    const end = Math.max(this.previous.span.end, start.start);
    return { start: start.start, end, line: start.line, col: start.col };
  }

  // ---- names and literals -------------------------------------------------------------

  /** A quoted identifier, or an unquoted word that is not reserved. */
  isIdentifier(offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'quoted_ident' || (token.kind === 'ident' && !isReservedWord(token.text));
  }

  parseIdentifier(what = 'an identifier'): IdentifierNode {
    if (!this.isIdentifier()) {
      const token = this.peek();
      if (token.kind === 'ident') this.unexpected(`${what} (${token.text} is reserved: write \`${token.text}\` to use it as a name)`);
      this.unexpected(what);
    }
    const token = this.advance();
    return IdentifierNode.create({ name: token.value, span: token.span });
  }

  /** `a.b.c`; parts after a dot may be any word, reserved or not. */
  parseQualifiedName(what = 'a name'): QualifiedNameNode {
    const first = this.parseIdentifier(what);
    const parts = [first];
    while (this.isSymbol('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'quoted_ident')) {
      this.advance();
      const token = this.advance();
      parts.push(IdentifierNode.create({ name: token.value, span: token.span }));
    }
    return QualifiedNameNode.create({ parts, span: this.spanFrom(first.span) });
  }

  /**
   * A name right after CREATE/DROP/ALTER <kind> or RENAME TO, where Confluent writes
   * `bedrock-cli-connection` unquoted: IDENT `-` IDENT runs with no whitespace join into one part.
   */
  parseObjectName(what = 'a name'): QualifiedNameNode {
    const start = this.peek();
    const parts = [this.parseObjectNamePart(what)];
    while (this.isSymbol('.')) {
      this.advance();
      parts.push(this.parseObjectNamePart(what));
    }
    return QualifiedNameNode.create({ parts, span: this.spanFrom(start) });
  }

  private parseObjectNamePart(what: string): IdentifierNode {
    const first = this.peek();
    const id = this.parseIdentifier(what);
    if (first.kind !== 'ident') return id;
    let name = id.name;
    while (this.isSymbol('-') && this.touches(this.previous, this.peek()) && this.touches(this.peek(), this.peek(1))) {
      const part = this.peek(1);
      if (part.kind !== 'ident' && !(part.kind === 'number' && /^\d+$/.test(part.text))) break;
      this.advance();
      name += `-${this.advance().text}`;
    }
    return IdentifierNode.create({ name, span: this.spanFrom(first) });
  }

  private touches(a: Token, b: Token): boolean {
    return a.span.end === b.span.start;
  }

  parseStringLiteral(what = 'a string literal'): StringLiteralNode {
    if (this.peek().kind !== 'string') this.unexpected(what);
    const token = this.advance();
    return StringLiteralNode.create({ value: token.value, span: token.span });
  }

  /** `item, item, ...` (at least one). */
  parseCommaList<T>(parseItem: () => T): T[] {
    const items = [parseItem()];
    while (this.matchSymbol(',')) items.push(parseItem());
    return items;
  }

  /** `( item, item, ... )` (at least one). */
  parseParenList<T>(parseItem: () => T): T[] {
    this.expectSymbol('(');
    const items = this.parseCommaList(parseItem);
    this.expectSymbol(')');
    return items;
  }

  /** `(a, b, ...)` of plain identifiers. */
  parseIdentifierList(what = 'a column name'): IdentifierNode[] {
    return this.parseParenList(() => this.parseIdentifier(what));
  }
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return token.text.length > 24 ? `${token.text.slice(0, 20)}...'` : token.text;
    case 'symbol':
      return `'${token.text}'`;
    case 'ident':
    case 'quoted_ident':
    case 'number':
    case 'invalid':
      return token.text;
    default:
      return assertNever(token.kind, 'token kind');
  }
}
