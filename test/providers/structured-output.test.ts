import { describe, expect, it } from 'vitest';
import { compileAnswerReader, NonConformingAnswerError } from '../../src/providers/answer-reader.js';
import { outputJsonSchema, structuredOutputProblems, toGeminiSchema } from '../../src/providers/output-json-schema.js';
import { providerView, schemaName, STRUCTURED_ANSWER_COLUMN } from '../../src/providers/structured-output.js';
import { openAIProvider } from '../../src/providers/index.js';
import { localProvider } from '../../src/providers/index.js';
import type { Column, DataType } from '../../src/types/data-type.js';
import { col, defineModel, DOUBLE, STRING } from './helpers.js';

const notNull = (t: DataType): DataType => ({ ...t, nullable: false }) as DataType;
const INT: DataType = { kind: 'INT', nullable: true };
const BOOLEAN: DataType = { kind: 'BOOLEAN', nullable: true };
const DATE: DataType = { kind: 'DATE', nullable: true };
const TS3: DataType = { kind: 'TIMESTAMP', precision: 3, nullable: true };
const DEC: DataType = { kind: 'DECIMAL', precision: 5, scale: 2, nullable: true };
const VARCHAR3: DataType = { kind: 'VARCHAR', length: 3, nullable: true };
const TAGS: DataType = { kind: 'ARRAY', element: notNull(STRING), nullable: true };
const WHO: DataType = { kind: 'ROW', fields: [{ name: 'name', type: STRING }, { name: 'age', type: INT }], nullable: true };
const MAP: DataType = { kind: 'MAP', key: STRING, value: STRING, nullable: true };

const OPENAI = { provider: 'openai', endpoint: 'https://api.openai.com/v1/chat/completions', 'api-key': 'sk-test', model: 'gpt-4o-mini' };

describe('outputJsonSchema', () => {
  it('gives one required property per column, nothing else allowed, null admitted for nullable columns only', () => {
    const schema = outputJsonSchema([col('risk', notNull(DOUBLE)), col('reason', STRING), col('n', INT), col('ok', BOOLEAN)]);
    expect(schema).toEqual({
      type: 'object',
      properties: { risk: { type: 'number' }, reason: { type: ['string', 'null'] }, n: { type: ['integer', 'null'] }, ok: { type: ['boolean', 'null'] } },
      required: ['risk', 'reason', 'n', 'ok'],
      additionalProperties: false,
    });
  });

  it('maps temporal types to string formats, ARRAY to items and ROW to a nested strict object', () => {
    const schema = outputJsonSchema([col('d', notNull(DATE)), col('at', notNull(TS3)), col('tags', notNull(TAGS)), col('who', notNull(WHO))]);
    expect(schema.properties).toEqual({
      d: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'date-time' },
      tags: { type: 'array', items: { type: 'string' } },
      who: {
        type: 'object',
        properties: { name: { type: ['string', 'null'] }, age: { type: ['integer', 'null'] } },
        required: ['name', 'age'],
        additionalProperties: false,
      },
    });
  });

  it('names the columns whose type has no JSON form', () => {
    expect(structuredOutputProblems([col('a', STRING), col('m', MAP)])).toEqual([
      "structured output cannot carry column 'm' of type MAP<STRING, STRING> (MAP<STRING, STRING> has no JSON Schema form)",
    ]);
  });

  it("translates to Gemini's responseSchema dialect: upper-case types, nullable, propertyOrdering", () => {
    const gemini = toGeminiSchema(outputJsonSchema([col('risk', notNull(DOUBLE)), col('tags', TAGS)]));
    expect(gemini).toEqual({
      type: 'OBJECT',
      properties: { risk: { type: 'NUMBER' }, tags: { type: 'ARRAY', nullable: true, items: { type: 'STRING' } } },
      required: ['risk', 'tags'],
      propertyOrdering: ['risk', 'tags'],
    });
  });
});

describe('providerView', () => {
  const typed: Column[] = [col('risk', DOUBLE), col('reason', STRING)];

  it('shows a provider with structured output one STRING answer and the derived schema', () => {
    const model = defineModel(openAIProvider, OPENAI, { name: 'risk model', outputs: typed });
    const { model: view, problems } = providerView(model, openAIProvider);
    expect(problems).toEqual([]);
    expect(view.outputs).toEqual([STRUCTURED_ANSWER_COLUMN]);
    expect(view.structured?.name).toBe('risk_model');
    expect(view.structured?.schema).toEqual(outputJsonSchema(typed));
    expect(view.structured?.instruction).toContain('"required":["risk","reason"]');
    expect(openAIProvider.checkSchema(view)).toEqual([]);
  });

  it("treats response-format = json_schema on one column as structured, and sends the user's response-schema", () => {
    const schema = JSON.stringify({ type: 'object', properties: { label: { type: 'string', enum: ['good', 'bad'] } }, required: ['label'], additionalProperties: false });
    const model = defineModel(openAIProvider, { ...OPENAI, 'response-format': 'json_schema', 'response-schema': schema }, { outputs: [col('label')] });
    const view = providerView(model, openAIProvider);
    expect(view.problems).toEqual([]);
    expect(view.model.structured?.schema).toEqual(JSON.parse(schema));
  });

  it('reports a response-schema whose properties are not the OUTPUT columns, and a MAP column', () => {
    const schema = JSON.stringify({ type: 'object', properties: { risk: { type: 'number' }, extra: { type: 'string' } } });
    const model = defineModel(openAIProvider, { ...OPENAI, 'response-schema': schema }, { outputs: typed });
    expect(providerView(model, openAIProvider).problems).toEqual([
      "option 'response-schema' has no property for the OUTPUT column(s) 'reason'",
      "option 'response-schema' has properties that are not OUTPUT columns: 'extra'",
    ]);
    const withMap = defineModel(openAIProvider, OPENAI, { outputs: [col('a'), col('m', MAP)] });
    expect(providerView(withMap, openAIProvider).problems[0]).toMatch(/cannot carry column 'm'/);
  });

  it('leaves models of a provider without structured output as they are (its own checks judge them)', () => {
    const model = defineModel(localProvider, { provider: 'local' }, { outputs: [col('label'), col('score', DOUBLE)] });
    expect(providerView(model, localProvider)).toEqual({ model, problems: [] });
  });

  it('takes one typed column as structured only with response-format = json_schema, and says so', () => {
    const plain = defineModel(openAIProvider, OPENAI, { outputs: [col('score', DOUBLE)] });
    const view = providerView(plain, openAIProvider);
    expect(view.model).toBe(plain);
    expect(openAIProvider.checkSchema(view.model).join('; ')).toMatch(/not score DOUBLE \(for one typed column, set 'response-format' = 'json_schema'/);
    const typed = defineModel(openAIProvider, { ...OPENAI, 'response-format': 'json_schema' }, { outputs: [col('score', DOUBLE)] });
    expect(openAIProvider.checkSchema(providerView(typed, openAIProvider).model)).toEqual([]);
  });

  it('keeps schema names to what OpenAI accepts', () => {
    expect(schemaName('a.b c')).toBe('a_b_c');
    expect(schemaName('x'.repeat(80))).toHaveLength(64);
  });
});

describe('compileAnswerReader', () => {
  const read = compileAnswerReader([
    col('risk', notNull(DOUBLE)),
    col('reason', STRING),
    col('n', INT),
    col('price', DEC),
    col('day', DATE),
    col('at', TS3),
    col('code', VARCHAR3),
    col('tags', TAGS),
    col('who', WHO),
  ]);
  const full = { risk: 0.25, reason: 'late payments', n: 3, price: 12.345, day: '2026-12-06', at: '2026-12-06 10:11:12.5', code: 'ABCDE', tags: ['a'], who: { name: 'x', age: 4 } };

  it('reads a conforming answer into typed values by CAST rules (DECIMAL rounded half-up, VARCHAR cut, DATE kept, TIMESTAMP a Date)', () => {
    expect(read(JSON.stringify(full))).toEqual([0.25, 'late payments', 3, 12.35, '2026-12-06', new Date(Date.UTC(2026, 11, 6, 10, 11, 12, 500)), 'ABC', ['a'], ['x', 4]]);
  });

  it('forgives a Markdown code fence around the JSON', () => {
    expect(read('```json\n' + JSON.stringify(full) + '\n```')[0]).toBe(0.25);
  });

  it('admits null for nullable columns only', () => {
    const nulls = { ...full, reason: null, n: null, who: null };
    expect(read(JSON.stringify(nulls)).slice(0, 3)).toEqual([0.25, null, null]);
    expect(() => read(JSON.stringify({ ...full, risk: null }))).toThrow(/\$\.risk is null, but its type is DOUBLE NOT NULL/);
  });

  it.each([
    ['not JSON', 'High risk, because...', /the answer is not JSON/],
    ['not an object', '[1, 2]', /\$ is not a JSON object/],
    ['a missing property', JSON.stringify({ ...full, reason: undefined }), /lacks the property 'reason'/],
    ['an extra property', JSON.stringify({ ...full, mood: 'sad' }), /unexpected property 'mood'/],
    ['a string for a number', JSON.stringify({ ...full, risk: 'high' }), /\$\.risk should be a number, not string "high"/],
    ['a fraction for an INT', JSON.stringify({ ...full, n: 1.5 }), /\$\.n should be an integer/],
    ['an INT out of range', JSON.stringify({ ...full, n: 2 ** 40 }), /out of the range of INT/],
    ['a DECIMAL that overflows', JSON.stringify({ ...full, price: 12345.6 }), /\$\.price = 12345\.6 does not fit DECIMAL\(5, 2\)/],
    ['a date that is no date', JSON.stringify({ ...full, day: 'tomorrow' }), /\$\.day: CAST of 'tomorrow' to DATE failed/],
    ['a nested wrong type', JSON.stringify({ ...full, who: { name: 'x', age: 'four' } }), /\$\.who\.age should be an integer/],
    ['an array element of the wrong type', JSON.stringify({ ...full, tags: ['a', 2] }), /\$\.tags\[1\] should be a string/],
  ])('rejects %s as a transient NonConformingAnswerError quoting the answer', (_what, text, message) => {
    let error: unknown;
    try {
      read(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NonConformingAnswerError);
    expect((error as NonConformingAnswerError).kind).toBe('transient');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^answer does not conform to the OUTPUT schema: .*; answer: "/);
  });
});
