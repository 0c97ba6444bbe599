import type { DataType, RowField } from '../../types/data-type.js';
import { DataTypeNode } from '../ast/data-type-node.js';
import type { Token } from '../token.js';
import type { Parser } from './parser.js';

/** A type without its nullability, which `parseDataType` applies from a trailing [NOT] NULL. */
type TypeParser = (p: Parser, name: Token) => DataType;

const MAX_LENGTH = 2147483647;

/** Flink type names -> parser. Synonyms are entries too (INTEGER, DEC, NUMERIC, BYTES ...). */
const TYPE_PARSERS: Readonly<Record<string, TypeParser>> = {
  STRING: () => ({ kind: 'STRING', nullable: true }),
  VARCHAR: (p) => ({ kind: 'VARCHAR', length: optionalLength(p, MAX_LENGTH), nullable: true }),
  CHAR: (p) => ({ kind: 'CHAR', length: optionalLength(p, 1), nullable: true }),
  CHARACTER: (p) => characterType(p),
  BOOLEAN: () => ({ kind: 'BOOLEAN', nullable: true }),
  TINYINT: () => ({ kind: 'TINYINT', nullable: true }),
  SMALLINT: () => ({ kind: 'SMALLINT', nullable: true }),
  INT: () => ({ kind: 'INT', nullable: true }),
  INTEGER: () => ({ kind: 'INT', nullable: true }),
  BIGINT: () => ({ kind: 'BIGINT', nullable: true }),
  FLOAT: () => ({ kind: 'FLOAT', nullable: true }),
  REAL: () => ({ kind: 'FLOAT', nullable: true }),
  DOUBLE: (p) => {
    p.matchKeyword('PRECISION');
    return { kind: 'DOUBLE', nullable: true };
  },
  DECIMAL: (p) => decimalType(p),
  DEC: (p) => decimalType(p),
  NUMERIC: (p) => decimalType(p),
  DATE: () => ({ kind: 'DATE', nullable: true }),
  TIME: (p) => {
    const precision = optionalPrecision(p, 0, 9);
    p.matchKeywords('WITHOUT', 'TIME', 'ZONE');
    return { kind: 'TIME', precision, nullable: true };
  },
  TIMESTAMP: (p) => timestampType(p),
  TIMESTAMP_LTZ: (p) => ({ kind: 'TIMESTAMP_LTZ', precision: optionalPrecision(p, 6, 9), nullable: true }),
  BYTES: () => ({ kind: 'BYTES', nullable: true }),
  BINARY: (p) => bytesType(p),
  VARBINARY: (p) => bytesType(p),
  ARRAY: (p) => {
    p.expectSymbol('<');
    const element = parseDataType(p).type;
    p.expectSymbol('>');
    return { kind: 'ARRAY', element, nullable: true };
  },
  MAP: (p) => {
    p.expectSymbol('<');
    const key = parseDataType(p).type;
    p.expectSymbol(',');
    const value = parseDataType(p).type;
    p.expectSymbol('>');
    return { kind: 'MAP', key, value, nullable: true };
  },
  ROW: (p) => {
    const close = p.matchSymbol('<') ? '>' : ')';
    if (close === ')') p.expectSymbol('(');
    const fields = p.isSymbol(close) ? [] : p.parseCommaList(() => parseRowField(p));
    p.expectSymbol(close);
    return { kind: 'ROW', fields, nullable: true };
  },
};

/** Flink types predictd has no runtime representation for yet. */
const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['MULTISET', 'RAW', 'VARIANT', 'INTERVAL', 'STRUCTURED', 'NULL']);

/** `type [NOT NULL | NULL]`. */
export function parseDataType(p: Parser): DataTypeNode {
  const name = p.peek();
  const parse = name.kind === 'ident' ? TYPE_PARSERS[name.keyword] : undefined;
  if (!parse) {
    if (UNSUPPORTED_TYPES.has(name.keyword)) p.unsupported(`type ${name.keyword}`, name);
    p.unexpected('a data type');
  }
  p.advance();
  let type = parse(p, name);
  if (p.matchKeywords('NOT', 'NULL')) type = { ...type, nullable: false };
  else p.matchKeyword('NULL');
  return DataTypeNode.create({ type, span: p.spanFrom(name) });
}

/** `name type [COMMENT '...']` inside ROW<...>; the comment has no place in DataType and is dropped. */
function parseRowField(p: Parser): RowField {
  const name = p.parseIdentifier('a field name').name;
  const type = parseDataType(p).type;
  if (p.matchKeyword('COMMENT')) p.parseStringLiteral('a comment string');
  return { name, type };
}

function characterType(p: Parser): DataType {
  if (p.matchKeyword('VARYING')) return { kind: 'VARCHAR', length: optionalLength(p, MAX_LENGTH), nullable: true };
  return { kind: 'CHAR', length: optionalLength(p, 1), nullable: true };
}

function decimalType(p: Parser): DataType {
  if (!p.matchSymbol('(')) return { kind: 'DECIMAL', precision: 10, scale: 0, nullable: true };
  const precision = parseTypeParameter(p, 1, 38, 'DECIMAL precision');
  const scale = p.matchSymbol(',') ? parseTypeParameter(p, 0, precision, 'DECIMAL scale') : 0;
  p.expectSymbol(')');
  return { kind: 'DECIMAL', precision, scale, nullable: true };
}

function timestampType(p: Parser): DataType {
  const precision = optionalPrecision(p, 6, 9);
  if (p.matchKeywords('WITH', 'LOCAL', 'TIME', 'ZONE')) return { kind: 'TIMESTAMP_LTZ', precision, nullable: true };
  if (p.isKeywords('WITH', 'TIME', 'ZONE')) p.unsupported('TIMESTAMP WITH TIME ZONE', p.peek());
  p.matchKeywords('WITHOUT', 'TIME', 'ZONE');
  return { kind: 'TIMESTAMP', precision, nullable: true };
}

/** BINARY(n) / VARBINARY(n): DataType has one byte-string kind, so the length is checked, then dropped. */
function bytesType(p: Parser): DataType {
  optionalLength(p, MAX_LENGTH);
  return { kind: 'BYTES', nullable: true };
}

function optionalLength(p: Parser, fallback: number): number {
  if (!p.matchSymbol('(')) return fallback;
  const length = parseTypeParameter(p, 1, MAX_LENGTH, 'length');
  p.expectSymbol(')');
  return length;
}

function optionalPrecision(p: Parser, fallback: number, max: number): number {
  if (!p.matchSymbol('(')) return fallback;
  const precision = parseTypeParameter(p, 0, max, 'precision');
  p.expectSymbol(')');
  return precision;
}

function parseTypeParameter(p: Parser, min: number, max: number, what: string): number {
  const token = p.peek();
  if (token.kind !== 'number' || !/^\d+$/.test(token.text)) p.unexpected(`an integer ${what}`);
  p.advance();
  const value = Number(token.text);
  if (value < min || value > max) p.raiseError('PD1009', `${what} must be between ${min} and ${max}, got ${token.text}`, token);
  return value;
}
