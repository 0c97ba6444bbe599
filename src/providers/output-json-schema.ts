import { formatType } from '../types/format-type.js';
import { assertNever, type Column, type DataType } from '../types/data-type.js';

/** The JSON Schema subset structured output uses: what OpenAI's strict mode accepts. */
export interface JsonSchema {
  readonly type: string | readonly string[];
  readonly description?: string;
  readonly format?: string;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
}

/**
 * The JSON Schema of a model's typed OUTPUT columns: one object, one property per column, all of
 * them required and nothing else allowed (OpenAI's strict mode demands exactly that). A nullable
 * column (Flink's default) admits `null`, so a model can say "unknown" without inventing a value.
 * Throws a plain Error naming the column when a type has no JSON form (structuredOutputProblems
 * reports it first, at CREATE MODEL).
 */
export function outputJsonSchema(columns: readonly Column[]): JsonSchema {
  return objectSchema(columns.map((c) => [c.name, c.type] as const));
}

/** Why these columns cannot be a structured answer (MAP, BYTES, ...), one message per column; [] when they can. */
export function structuredOutputProblems(columns: readonly Column[]): string[] {
  return columns.flatMap((c) => {
    const bad = unsupported(c.type);
    return bad ? [`structured output cannot carry column '${c.name}' of type ${formatType(c.type)} (${formatType(bad)} has no JSON Schema form)`] : [];
  });
}

function unsupported(type: DataType): DataType | undefined {
  switch (type.kind) {
    case 'ARRAY':
      return unsupported(type.element);
    case 'ROW':
      return type.fields.map((f) => unsupported(f.type)).find((t) => t !== undefined);
    case 'MAP':
    case 'BYTES':
    case 'NULL':
      return type;
    default:
      return undefined;
  }
}

function objectSchema(fields: readonly (readonly [string, DataType])[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, type] of fields) properties[name] = typeSchema(type);
  return { type: 'object', properties, required: fields.map(([name]) => name), additionalProperties: false };
}

function typeSchema(type: DataType): JsonSchema {
  const base = baseSchema(type);
  return type.nullable ? { ...base, type: [base.type as string, 'null'] } : base;
}

function baseSchema(type: DataType): JsonSchema {
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return { type: 'string' };
    case 'BOOLEAN':
      return { type: 'boolean' };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return { type: 'integer' };
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return { type: 'number' };
    case 'DATE':
      return { type: 'string', format: 'date' };
    case 'TIME':
      return { type: 'string', format: 'time' };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return { type: 'string', format: 'date-time' };
    case 'ARRAY':
      return { type: 'array', items: typeSchema(type.element) };
    case 'ROW':
      return objectSchema(type.fields.map((f) => [f.name, f.type] as const));
    case 'MAP':
    case 'BYTES':
    case 'NULL':
      throw new Error(`${formatType(type)} has no JSON Schema form`);
    default:
      return assertNever(type, 'data type');
  }
}

/**
 * The same schema in Gemini's `responseSchema` dialect (an OpenAPI 3.0 subset): upper-case type
 * names, `nullable: true` instead of a `null` type, and `propertyOrdering` so the answer's keys
 * come in column order.
 */
export function toGeminiSchema(schema: JsonSchema): Record<string, unknown> {
  const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
  const main = types.find((t) => t !== 'null') ?? 'string';
  const out: Record<string, unknown> = { type: main.toUpperCase() };
  if (types.includes('null')) out['nullable'] = true;
  if (schema.description !== undefined) out['description'] = schema.description;
  if (schema.format === 'date-time') out['format'] = 'date-time';
  if (schema.items) out['items'] = toGeminiSchema(schema.items);
  if (schema.properties) {
    const names = Object.keys(schema.properties);
    out['properties'] = Object.fromEntries(names.map((n) => [n, toGeminiSchema(schema.properties![n]!)]));
    out['required'] = [...(schema.required ?? names)];
    out['propertyOrdering'] = names;
  }
  return out;
}
