import { makeCaster } from '../expr/cast-value.js';
import { ModelCallError } from '../spi/model-provider.js';
import type { Column, DataType, Value } from '../types/data-type.js';
import { assertNever } from '../types/data-type.js';
import { formatType } from '../types/format-type.js';
import { bodySnippet } from './malformed-answer.js';

/**
 * A 2xx answer whose text does not conform to the model's typed OUTPUT: not JSON, a missing or
 * extra property, a value of the wrong type. Transient, like a malformed answer: a model that
 * strayed once usually conforms on the next try, so it is retried up to `retry-num` and then
 * given up (PD4208) for the error strategy to route; never written as text.
 */
export class NonConformingAnswerError extends ModelCallError {
  constructor(message: string) {
    super('transient', message);
    this.name = 'NonConformingAnswerError';
  }
}

/** Reads one answer text into one value per OUTPUT column; throws NonConformingAnswerError. */
export type AnswerReader = (text: Value) => Value[];

type Read = (json: unknown, path: string) => Value;

const STRING: DataType = { kind: 'STRING', nullable: true };
const DOUBLE: DataType = { kind: 'DOUBLE', nullable: true };
const INTEGER_RANGE = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;

/**
 * Compiles, once per model, the reader of its answers: the JSON object must have exactly one
 * property per column, each of the JSON type the derived schema names (output-json-schema.ts),
 * and its value is converted by Flink's CAST rules from that JSON type (a DATE from its string,
 * a FLOAT rounded, a VARCHAR(n) cut, a DECIMAL rounded half-up). What does not convert, or a
 * DECIMAL that overflows, does not conform. A surrounding Markdown code fence is forgiven: models
 * asked through the system prompt add one often, and the JSON inside is still exact.
 */
export function compileAnswerReader(columns: readonly Column[]): AnswerReader {
  const readObject = objectReader(columns.map((c) => [c.name, c.type] as const));
  return (text) => {
    if (typeof text !== 'string') throw nonConforming(`the answer is not text`, text);
    let json: unknown;
    try {
      json = JSON.parse(unfence(text));
    } catch {
      throw nonConforming('the answer is not JSON', text);
    }
    try {
      return readObject(json, '$') as Value[];
    } catch (err) {
      if (err instanceof Mismatch) throw nonConforming(err.message, text);
      throw err;
    }
  };
}

class Mismatch extends Error {}

function nonConforming(problem: string, text: Value): NonConformingAnswerError {
  return new NonConformingAnswerError(`answer does not conform to the OUTPUT schema: ${problem}; answer: ${bodySnippet(String(text), (t) => t)}`);
}

function unfence(text: string): string {
  const t = text.trim();
  const m = /^```[A-Za-z]*\s*\n([\s\S]*?)\n?```$/.exec(t);
  return m ? m[1]! : t;
}

function objectReader(fields: readonly (readonly [string, DataType])[]): Read {
  const readers = fields.map(([name, type]) => [name, reader(type)] as const);
  const names = new Set(fields.map(([name]) => name));
  return (json, path) => {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Mismatch(`${path} is not a JSON object`);
    const obj = json as Record<string, unknown>;
    for (const key of Object.keys(obj)) if (!names.has(key)) throw new Mismatch(`${path} has the unexpected property '${key}'`);
    return readers.map(([name, read]) => {
      if (!Object.hasOwn(obj, name)) throw new Mismatch(`${path} lacks the property '${name}'`);
      return read(obj[name], `${path}.${name}`);
    });
  };
}

function reader(type: DataType): Read {
  const base = baseReader(type);
  const nullable = type.nullable;
  return (json, path) => {
    if (json === null) {
      if (nullable) return null;
      throw new Mismatch(`${path} is null, but its type is ${formatType(type)}`);
    }
    return base(json, path);
  };
}

function baseReader(type: DataType): Read {
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return cast('string', STRING, type);
    case 'BOOLEAN':
      return (json, path) => {
        if (typeof json !== 'boolean') throw wrongType(path, 'a boolean', json);
        return json;
      };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const [min, max] = INTEGER_RANGE[type.kind];
      return (json, path) => {
        if (typeof json !== 'number' || !Number.isInteger(json)) throw wrongType(path, 'an integer', json);
        if (json < min || json > max) throw new Mismatch(`${path} = ${json} is out of the range of ${type.kind}`);
        return json;
      };
    }
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return cast('number', DOUBLE, type);
    case 'ARRAY': {
      const element = reader(type.element);
      return (json, path) => {
        if (!Array.isArray(json)) throw wrongType(path, 'an array', json);
        return json.map((x, i) => element(x, `${path}[${i}]`));
      };
    }
    case 'ROW':
      return objectReader(type.fields.map((f) => [f.name, f.type] as const));
    case 'MAP':
    case 'BYTES':
    case 'NULL':
      // providerView rejects these at CREATE MODEL; reaching here is a bug.
      throw new Error(`no structured reader for ${formatType(type)}`);
    default:
      return assertNever(type, 'data type');
  }
}

/** A JSON value of `jsonType`, converted from `from` to `to` by CAST; a failed or overflowing CAST is a mismatch. */
function cast(jsonType: 'string' | 'number', from: DataType, to: DataType): Read {
  const caster = makeCaster(from, to);
  if (!caster) throw new Error(`CAST from ${formatType(from)} to ${formatType(to)} is not allowed`);
  const what = jsonType === 'string' ? 'a string' : 'a number';
  return (json, path) => {
    if (typeof json !== jsonType) throw wrongType(path, what, json);
    let value: Value;
    try {
      value = caster(json as Value);
    } catch (err) {
      throw new Mismatch(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (value === null) throw new Mismatch(`${path} = ${JSON.stringify(json)} does not fit ${formatType(to)}`);
    return value;
  };
}

function wrongType(path: string, expected: string, json: unknown): Mismatch {
  const got = Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json === 'object' ? 'an object' : `${typeof json} ${JSON.stringify(json)}`;
  return new Mismatch(`${path} should be ${expected}, not ${got.length > 60 ? `${got.slice(0, 60)}...` : got}`);
}
