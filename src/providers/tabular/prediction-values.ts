import { makeCaster, type Caster } from '../../expr/cast-value.js';
import { valueText } from '../../expr/value-text.js';
import { assertNever, type Column, type DataType, type Value } from '../../types/data-type.js';
import { formatType } from '../../types/format-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';

/**
 * The two conversions every tabular format shares: a row value to the JSON a model server reads,
 * and a value from an answer (JSON, or CSV text) to an OUTPUT column by Flink's CAST rules.
 */

/** A row value as JSON: timestamps as Flink prints them, bytes as base64, maps as objects. */
export function jsonOf(value: Value, type: DataType): unknown {
  if (value === null) return null;
  switch (type.kind) {
    case 'ARRAY':
      return (value as readonly Value[]).map((v) => jsonOf(v, type.element));
    case 'ROW': {
      const fields = value as readonly Value[];
      return Object.fromEntries(type.fields.map((f, i) => [f.name, jsonOf(fields[i] ?? null, f.type)]));
    }
    case 'MAP':
      return Object.fromEntries([...(value as ReadonlyMap<Value, Value>)].map(([k, v]) => [String(k), jsonOf(v, type.value)]));
    case 'BYTES':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return valueText(value, type);
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return Number.isFinite(value as number) ? value : null;
    default:
      return value;
  }
}

/** The JSON values of one row, in column order. */
export function jsonRow(row: readonly Value[], inputs: readonly Column[]): unknown[] {
  return inputs.map((c, i) => jsonOf(row[i] ?? null, c.type));
}

/** Reads one answer value into a column's type; throws AnswerShapeError naming `path`. */
export type ColumnReader = (json: unknown, path: string) => Value;

const STRING: DataType = { kind: 'STRING', nullable: true };
const BIGINT: DataType = { kind: 'BIGINT', nullable: true };
const DOUBLE: DataType = { kind: 'DOUBLE', nullable: true };
const BOOLEAN: DataType = { kind: 'BOOLEAN', nullable: true };

/**
 * The reader of one OUTPUT column, compiled once. Scalars convert by CAST from the JSON type they
 * arrive as (a CSV field is a string, so `'0.93'` fits a DOUBLE column); a character column takes
 * any scalar as its text and an object or array as its JSON; arrays, rows and maps are read
 * element by element. NULL fits every nullable column.
 */
export function columnReader(type: DataType): ColumnReader {
  const base = baseReader(type);
  return (json, path) => {
    if (json === null || json === undefined) {
      if (type.nullable) return null;
      throw new AnswerShapeError(`${path} is null, but its type is ${formatType(type)}`);
    }
    return base(json, path);
  };
}

function baseReader(type: DataType): ColumnReader {
  switch (type.kind) {
    case 'ARRAY': {
      const element = columnReader(type.element);
      return (json, path) => {
        if (!Array.isArray(json)) throw mismatch(path, 'an array', json);
        return json.map((x, i) => element(x, `${path}[${i}]`));
      };
    }
    case 'ROW': {
      const fields = type.fields.map((f) => [f.name, columnReader(f.type)] as const);
      return (json, path) => {
        if (Array.isArray(json) && json.length === fields.length) return fields.map(([name, read], i) => read(json[i], `${path}.${name}`));
        if (!isRecord(json)) throw mismatch(path, `an object with ${fields.map(([n]) => n).join(', ')}`, json);
        return fields.map(([name, read]) => read(json[name], `${path}.${name}`));
      };
    }
    case 'MAP': {
      const key = columnReader(type.key);
      const value = columnReader(type.value);
      return (json, path) => {
        if (!isRecord(json)) throw mismatch(path, 'an object', json);
        return new Map(Object.entries(json).map(([k, v]) => [key(k, `${path} key`), value(v, `${path}.${k}`)]));
      };
    }
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR': {
      const fromString = caster(STRING, type);
      return (json) => fromString!(typeof json === 'string' ? json : typeof json === 'object' ? JSON.stringify(json) : String(json));
    }
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'BYTES':
      return scalarReader(type);
    case 'NULL':
      return () => null;
    default:
      return assertNever(type, 'data type');
  }
}

/** A JSON scalar (or a CSV field) by CAST from its own JSON type to `to`. */
function scalarReader(to: DataType): ColumnReader {
  const fromString = caster(STRING, to);
  const fromInteger = caster(BIGINT, to);
  const fromDouble = caster(DOUBLE, to);
  const fromBoolean = caster(BOOLEAN, to);
  return (json, path) => {
    let cast: Caster | undefined;
    let value: Value;
    if (typeof json === 'string') [cast, value] = [fromString, to.kind === 'BOOLEAN' || isNumericKind(to) ? json.trim() : json];
    else if (typeof json === 'number') [cast, value] = [Number.isSafeInteger(json) ? fromInteger : fromDouble, json];
    else if (typeof json === 'boolean') [cast, value] = [fromBoolean, json];
    else throw mismatch(path, `a ${formatType(to)} value`, json);
    if (!cast) throw mismatch(path, `a ${formatType(to)} value`, json);
    try {
      const out = cast(value);
      if (out === null) throw new Error('no value');
      return out;
    } catch {
      throw new AnswerShapeError(`${path} = ${preview(json)} does not fit ${formatType(to)}`);
    }
  };
}

function isNumericKind(t: DataType): boolean {
  return ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(t.kind);
}

function caster(from: DataType, to: DataType): Caster | undefined {
  return makeCaster(from, to);
}

function mismatch(path: string, expected: string, json: unknown): AnswerShapeError {
  return new AnswerShapeError(`${path} should be ${expected}, not ${preview(json)}`);
}

function preview(json: unknown): string {
  const text = Array.isArray(json) ? 'an array' : isRecord(json) ? 'an object' : JSON.stringify(json) ?? String(json);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

/**
 * One prediction (what a model answered for one row) as that row's OUTPUT values. One column
 * takes the prediction whole, or its only element, or its property of the column's name; several
 * columns take an array by position or an object by column name.
 */
export function predictionRow(prediction: unknown, outputs: readonly Column[], readers: readonly ColumnReader[], path: string): Value[] {
  if (outputs.length === 1) {
    const column = outputs[0]!;
    const structured = column.type.kind === 'ARRAY' || column.type.kind === 'ROW' || column.type.kind === 'MAP';
    let value = prediction;
    if (!structured && Array.isArray(prediction) && prediction.length === 1) value = prediction[0];
    else if (isRecord(prediction) && Object.hasOwn(prediction, column.name)) value = prediction[column.name];
    return [readers[0]!(value, path)];
  }
  if (Array.isArray(prediction)) {
    if (prediction.length !== outputs.length) {
      throw new AnswerShapeError(`${path} has ${prediction.length} values for ${outputs.length} OUTPUT columns`);
    }
    return outputs.map((c, i) => readers[i]!(prediction[i], `${path}[${i}]`));
  }
  if (isRecord(prediction)) {
    return outputs.map((c, i) => {
      const key = Object.hasOwn(prediction, c.name) ? c.name : Object.keys(prediction).find((k) => k.toLowerCase() === c.name.toLowerCase());
      if (key === undefined) throw new AnswerShapeError(`${path} has no property for the OUTPUT column '${c.name}'`);
      return readers[i]!(prediction[key], `${path}.${key}`);
    });
  }
  throw new AnswerShapeError(`${path} is ${preview(prediction)}: ${outputs.length} OUTPUT columns need an array or an object`);
}

/** `predictions` as one prediction per row: an array of `rowCount` predictions (one row may also answer bare). */
export function predictionRows(predictions: unknown, outputs: readonly Column[], rowCount: number, what: string): Value[][] {
  const readers = outputs.map((c) => columnReader(c.type));
  if (!Array.isArray(predictions)) {
    if (rowCount === 1) return [predictionRow(predictions, outputs, readers, what)];
    throw new AnswerShapeError(`${what} is not an array of ${rowCount} predictions`);
  }
  if (predictions.length !== rowCount) {
    // A single row whose answer is itself a list (one vector, several outputs) arrives unwrapped.
    if (rowCount === 1) return [predictionRow(predictions, outputs, readers, what)];
    throw new AnswerShapeError(`${what} has ${predictions.length} predictions for ${rowCount} rows`);
  }
  return predictions.map((p, i) => predictionRow(p, outputs, readers, `${what}[${i}]`));
}
