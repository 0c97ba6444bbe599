import type { DataType, Row, Value } from '../../types/data-type.js';
import type { Compiled } from '../compiled-expr.js';
import { cachedPath, jsonExists, jsonQueryOutcome, jsonValueOutcome } from '../json-eval.js';
import { JsonPathError } from '../json-path.js';
import { T } from '../types.js';
import { valueText } from '../value-text.js';
import { constantArg, fn, type FunctionDef, typed } from './function-def.js';

/** A constant path is checked at compile time (PD2210); others are parsed per row. */
function constantPathProblem(args: readonly Compiled[]): { code: 'PD2210'; message: string } | undefined {
  const text = constantArg(args[1]);
  if (typeof text !== 'string') return undefined;
  try {
    cachedPath(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error;
    return { code: 'PD2210', message: error.message };
  }
}

/** The plain two-argument call, with the default NULL ON EMPTY / NULL ON ERROR. */
function jsonTextFn(
  lookup: (text: string, path: string) => { kind: string; text?: string },
): FunctionDef['build'] {
  return ([input, path]) => (row: Row): Value => {
    const text = input.evaluate(row);
    const p = path.evaluate(row);
    if (text === null || p === null) return null;
    try {
      const outcome = lookup(text as string, p as string);
      return outcome.kind === 'text' ? outcome.text! : null;
    } catch (error) {
      if (error instanceof JsonPathError) return null;
      throw error;
    }
  };
}

export const JSON_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  JSON_VALUE: fn({
    signature: "JSON_VALUE(json STRING, path STRING [RETURNING type] [{NULL | ERROR | DEFAULT v} ON EMPTY] [{NULL | ERROR | DEFAULT v} ON ERROR]) → STRING or the RETURNING type",
    nulls: 'NULL for a NULL input, a missing member (NULL ON EMPTY) and invalid JSON or a non-scalar (NULL ON ERROR) unless other behaviours are given',
    minArgs: 2,
    returns: (types, args) => constantPathProblem(args) ?? typed(['STRING', 'STRING'], T.string(), { alwaysNullable: true })(types, args),
    build: jsonTextFn((text, path) => jsonValueOutcome(text, cachedPath(path))),
  }),
  JSON_QUERY: fn({
    signature: "JSON_QUERY(json STRING, path STRING [{WITHOUT | WITH [CONDITIONAL | UNCONDITIONAL]} [ARRAY] WRAPPER] [{NULL | ERROR | EMPTY ARRAY | EMPTY OBJECT} ON EMPTY | ON ERROR]) → STRING",
    nulls: 'NULL for a NULL input, a missing member or a scalar (lax), and invalid JSON, unless other behaviours are given',
    minArgs: 2,
    returns: (types, args) => constantPathProblem(args) ?? typed(['STRING', 'STRING'], T.string(), { alwaysNullable: true })(types, args),
    build: jsonTextFn((text, path) => jsonQueryOutcome(text, cachedPath(path), 'WITHOUT')),
  }),
  JSON_EXISTS: fn({
    signature: 'JSON_EXISTS(json STRING, path STRING) → BOOLEAN',
    nulls: 'NULL for a NULL input; FALSE when the path finds nothing or the JSON is invalid (FALSE ON ERROR)',
    minArgs: 2,
    returns: (types, args) => constantPathProblem(args) ?? typed(['STRING', 'STRING'], T.boolean())(types, args),
    build: ([input, path]) => (row) => {
      const text = input.evaluate(row);
      const p = path.evaluate(row);
      if (text === null || p === null) return null;
      try {
        return jsonExists(text as string, cachedPath(p as string));
      } catch (error) {
        if (error instanceof JsonPathError) return false;
        throw error;
      }
    },
  }),
  JSON_STRING: fn({
    signature: 'JSON_STRING(value ANY) → STRING',
    nulls: 'NULL for NULL',
    minArgs: 1,
    returns: typed(['ANY'], T.string()),
    build: ([arg]) => {
      const type = arg.type;
      return (row) => {
        const v = arg.evaluate(row);
        return v === null ? null : JSON.stringify(toJson(v, type));
      };
    },
  }),
};

/** A SQL value as a JSON-ready JS value: ROWs become objects, MAPs objects keyed by text, times text. */
function toJson(v: Value, type: DataType): unknown {
  if (v === null) return null;
  switch (type.kind) {
    case 'ARRAY':
      return (v as readonly Value[]).map((x) => toJson(x, type.element));
    case 'MAP':
      return Object.fromEntries([...(v as ReadonlyMap<Value, Value>)].map(([k, x]) => [valueText(k, type.key), toJson(x, type.value)]));
    case 'ROW':
      return Object.fromEntries(type.fields.map((f, i) => [f.name, toJson((v as readonly Value[])[i] ?? null, f.type)]));
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return v;
    default:
      return valueText(v, type);
  }
}
