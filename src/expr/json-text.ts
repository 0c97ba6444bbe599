import { javaDoubleText } from './number-text.js';

/**
 * JSON as Flink's Jackson-based JSON functions see it. Numbers keep their text so that an
 * integer prints as written and a float prints as Java's Double.toString ("1.0", "1000.0"),
 * which is what JSON_VALUE and JSON_QUERY return in Flink.
 */
export type JsonValue = null | boolean | string | JsonNumber | readonly JsonValue[] | JsonObject;
export type JsonObject = ReadonlyMap<string, JsonValue>;

export class JsonNumber {
  constructor(readonly text: string) {}

  get value(): number {
    return Number(this.text);
  }

  /** Integers as written (Jackson reads them as int/long/BigInteger), floats as Java doubles. */
  toString(): string {
    return /[.eE]/.test(this.text) ? javaDoubleText(Number(this.text)) : this.text.replace(/^-0$/, '0');
  }
}

export class JsonSyntaxError extends Error {}

/** Parses strict JSON (RFC 8259); throws JsonSyntaxError with the offset of the problem. */
export function parseJson(text: string): JsonValue {
  const parser = new JsonParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

class JsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  end(): void {
    this.ws();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
  }

  value(): JsonValue {
    this.ws();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    for (const [word, value] of WORDS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail('expected a JSON value');
  }

  private object(): JsonObject {
    const out = new Map<string, JsonValue>();
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected a field name');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') this.fail("expected ':'");
      out.set(key, this.value());
      this.ws();
      const sep = this.text[this.pos++];
      if (sep === '}') return out;
      if (sep !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const sep = this.text[this.pos++];
      if (sep === ']') return out;
      if (sep !== ',') this.fail("expected ',' or ']'");
    }
  }

  private string(): string {
    const start = ++this.pos;
    const close = this.text.indexOf('"', start);
    const slash = this.text.indexOf('\\', start);
    if (close >= 0 && (slash < 0 || slash > close) && !/[\u0000-\u001f]/.test(this.text.slice(start, close))) {
      this.pos = close + 1;
      return this.text.slice(start, close);
    }
    const end = this.scanString(start);
    try {
      return JSON.parse(this.text.slice(start - 1, end)) as string;
    } catch {
      return this.fail('invalid string');
    }
  }

  private scanString(start: number): number {
    for (let i = start; i < this.text.length; i++) {
      const ch = this.text[i];
      if (ch === '\\') i++;
      else if (ch === '"') {
        this.pos = i + 1;
        return i + 1;
      }
    }
    return this.fail('unterminated string');
  }

  private number(): JsonNumber {
    const m = NUMBER.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('invalid number');
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  private ws(): void {
    while (this.pos < this.text.length && WS.has(this.text[this.pos])) this.pos++;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.pos}`);
  }
}

const WORDS: readonly (readonly [string, JsonValue])[] = [['true', true], ['false', false], ['null', null]];
const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

/** Compact JSON text, as Jackson writes it. */
export function stringifyJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof JsonNumber) return value.toString();
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
  return `{${[...(value as JsonObject)].map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`).join(',')}}`;
}

export function isScalarJson(value: JsonValue): boolean {
  return value === null || typeof value !== 'object' || value instanceof JsonNumber;
}

/** The text JSON_VALUE returns for a scalar: strings unquoted, numbers as Jackson reads them. */
export function scalarJsonText(value: JsonValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  return typeof value === 'boolean' ? String(value) : (value as JsonNumber).toString();
}

let lastText: string | undefined;
let lastDoc: JsonValue | JsonSyntaxError = null;

/**
 * parseJson with a one-entry memo: a job typically reads several paths of the same response
 * column per row (JSON_VALUE(r, '$.risk'), JSON_VALUE(r, '$.reason')), and parsed documents
 * are immutable, so sharing the last one is safe.
 */
export function parseJsonCached(text: string): JsonValue {
  if (text !== lastText) {
    lastText = text;
    try {
      lastDoc = parseJson(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      lastDoc = error;
    }
  }
  if (lastDoc instanceof JsonSyntaxError) throw lastDoc;
  return lastDoc;
}
