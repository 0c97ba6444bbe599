import { describe, expect, it } from 'vitest';
import { AnswerShapeError } from '../../../src/providers/malformed-answer.js';
import { parseCsv } from '../../../src/providers/tabular/csv-format.js';
import { isTabularFormatName, tabularFormat, type FormatSettings } from '../../../src/providers/tabular/tabular-formats.js';
import { TabularInputError, type TabularFormat } from '../../../src/providers/tabular/tabular-format.js';
import type { Column, DataType } from '../../../src/types/data-type.js';

const SETTINGS: FormatSettings = { chat: { systemPrompt: 'Be brief.' } };
const T = {
  STRING: { kind: 'STRING', nullable: true },
  INT: { kind: 'INT', nullable: true },
  BIGINT: { kind: 'BIGINT', nullable: true },
  DOUBLE: { kind: 'DOUBLE', nullable: true },
  BOOLEAN: { kind: 'BOOLEAN', nullable: true },
  DOUBLES: { kind: 'ARRAY', element: { kind: 'DOUBLE', nullable: true }, nullable: true },
} as const satisfies Record<string, DataType>;
const col = (name: string, type: DataType): Column => ({ name, type });

const INPUTS = [col('age', T.INT), col('income', T.DOUBLE), col('city', T.STRING)];
const ROW = [41, 52000.5, 'Lyon, FR'];

function format(name: string): TabularFormat {
  const f = tabularFormat(name, SETTINGS);
  if (!f) throw new Error(`no format ${name}`);
  return f;
}

const json = (text: string) => ({ text, contentType: 'application/json' });

describe('tabular formats: encode', () => {
  it('CSV writes one line per row, quotes per RFC 4180 and spreads arrays', () => {
    expect(format('csv').encode([ROW, [7, null, 'a"b']], INPUTS)).toEqual({ body: '41,52000.5,"Lyon, FR"\n7,,"a""b"\n', contentType: 'text/csv' });
    expect(format('CSV').encode([[[1, 2.5, 3]]], [col('features', T.DOUBLES)]).body).toBe('1,2.5,3\n');
  });

  it('JSON, JSON:wrapper and JSON-ARRAY write one row', () => {
    expect(JSON.parse(format('JSON').encode([ROW], INPUTS).body)).toEqual({ age: 41, income: 52000.5, city: 'Lyon, FR' });
    expect(JSON.parse(format('JSON:inputs').encode([ROW], INPUTS).body)).toEqual({ inputs: { age: 41, income: 52000.5, city: 'Lyon, FR' } });
    expect(JSON.parse(format('JSON-ARRAY').encode([ROW], INPUTS).body)).toEqual([41, 52000.5, 'Lyon, FR']);
  });

  it('TF-SERVING / KSERVE-V1 writes instances: the value for one column, the row array for several', () => {
    expect(JSON.parse(format('TF-SERVING').encode([ROW, ROW], INPUTS).body)).toEqual({ instances: [ROW, ROW] });
    expect(JSON.parse(format('KSERVE-V1').encode([['hi'], ['yo']], [col('text', T.STRING)]).body)).toEqual({ instances: ['hi', 'yo'] });
  });

  it('TF-SERVING-COLUMN writes one list per column', () => {
    expect(JSON.parse(format('TF-SERVING-COLUMN').encode([ROW, [7, 1.5, 'x']], INPUTS).body)).toEqual({ inputs: { age: [41, 7], income: [52000.5, 1.5], city: ['Lyon, FR', 'x'] } });
    expect(JSON.parse(format('TF-SERVING-COLUMN').encode([['a'], ['b']], [col('t', T.STRING)]).body)).toEqual({ inputs: ['a', 'b'] });
  });

  it('TRITON / KSERVE-V2 writes one typed tensor per column, arrays as a second dimension', () => {
    const inputs = [col('age', T.INT), col('features', T.DOUBLES), col('city', T.STRING)];
    const body = JSON.parse(format('KSERVE-V2').encode([[1, [0.5, 1.5], 'a'], [2, [2.5, 3.5], 'b']], inputs).body);
    expect(body).toEqual({
      inputs: [
        { name: 'age', shape: [2], datatype: 'INT32', data: [1, 2] },
        { name: 'features', shape: [2, 2], datatype: 'FP64', data: [0.5, 1.5, 2.5, 3.5] },
        { name: 'city', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
      ],
    });
    expect(() => format('TRITON').encode([[1, [0.5], 'a'], [2, [1, 2], 'b']], inputs)).toThrow(TabularInputError);
  });

  it('PANDAS-DATAFRAME, AZUREML-PANDAS-DATAFRAME and AZUREML-TENSOR', () => {
    expect(JSON.parse(format('PANDAS-DATAFRAME').encode([ROW], INPUTS).body)).toEqual({ dataframe_split: { columns: ['age', 'income', 'city'], data: [ROW] } });
    expect(JSON.parse(format('AZUREML-PANDAS-DATAFRAME').encode([ROW, ROW], INPUTS).body)).toEqual({
      input_data: { columns: ['age', 'income', 'city'], index: [0, 1], data: [ROW, ROW] },
    });
    expect(JSON.parse(format('AZUREML-TENSOR').encode([[[1, 2]], [[3, 4]]], [col('x', T.DOUBLES)]).body)).toEqual({ input_data: [[1, 2], [3, 4]] });
    expect(JSON.parse(format('AZUREML-TENSOR').encode([[1, 'a']], [col('n', T.INT), col('s', T.STRING)]).body)).toEqual({ input_data: { n: [1], s: ['a'] } });
  });

  it('TEXT and OPENAI-CHAT (the openai provider body) take one STRING', () => {
    expect(format('TEXT').encode([['hello']], [col('t', T.STRING)])).toEqual({ body: 'hello', contentType: 'text/plain' });
    expect(JSON.parse(format('OPENAI-CHAT').encode([['hello']], [col('t', T.STRING)]).body)).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
    });
    expect(format('TEXT').checkColumns(INPUTS, [col('o', T.STRING)]).join()).toMatch(/exactly one STRING input/);
    expect(format('OPENAI-CHAT').checkColumns([col('t', T.STRING)], [col('o', T.DOUBLE)]).join()).toMatch(/one STRING output/);
  });
});

describe('tabular formats: decode', () => {
  const SCORE = [col('score', T.DOUBLE)];
  const TWO = [col('label', T.STRING), col('score', T.DOUBLE)];

  it('CSV: fields fill the columns by CAST from text, one line per row', () => {
    expect(format('CSV').decode({ text: '0.93\n', contentType: 'text/csv' }, SCORE, 1)).toEqual([[0.93]]);
    expect(format('CSV').decode({ text: 'yes,0.5\r\nno,0.25\n', contentType: 'text/csv' }, TWO, 2)).toEqual([['yes', 0.5], ['no', 0.25]]);
    expect(format('CSV').decode({ text: '0.1,0.2,0.3', contentType: 'text/csv' }, SCORE, 3)).toEqual([[0.1], [0.2], [0.3]]);
    expect(format('CSV').decode({ text: '1,2,3\n', contentType: 'text/csv' }, [col('v', T.DOUBLES)], 1)).toEqual([[[1, 2, 3]]]);
    expect(() => format('CSV').decode({ text: 'abc\n', contentType: 'text/csv' }, SCORE, 1)).toThrow(/does not fit DOUBLE/);
    expect(() => format('CSV').decode({ text: '1\n2\n', contentType: 'text/csv' }, SCORE, 1)).toThrow(AnswerShapeError);
  });

  it('JSON: an object by column names, an array by position, a bare value for one column', () => {
    expect(format('JSON').decode(json('{"label":"yes","score":0.5,"extra":1}'), TWO, 1)).toEqual([['yes', 0.5]]);
    expect(format('JSON').decode(json('["yes", 0.5]'), TWO, 1)).toEqual([['yes', 0.5]]);
    expect(format('JSON').decode(json('0.75'), SCORE, 1)).toEqual([[0.75]]);
    expect(format('JSON').decode(json('[0.75]'), SCORE, 1)).toEqual([[0.75]]);
    expect(format('JSON').decode(json('{"score": 1}'), SCORE, 1)).toEqual([[1]]);
    expect(format('JSON').decode(json('{"a": 1}'), [col('raw', T.STRING)], 1)).toEqual([['{"a":1}']]);
    expect(() => format('JSON').decode(json('{"label":"yes"}'), TWO, 1)).toThrow(/no property for the OUTPUT column 'score'/);
    expect(() => format('JSON').decode(json('<html>'), TWO, 1)).toThrow(/not JSON/);
  });

  it('TF-SERVING: predictions, one per row', () => {
    expect(format('TF-SERVING').decode(json('{"predictions":[[0.1,0.9],[0.8,0.2]]}'), [col('p', T.DOUBLES)], 2)).toEqual([[[0.1, 0.9]], [[0.8, 0.2]]]);
    expect(format('TF-SERVING').decode(json('{"predictions":[{"label":"cat","score":0.9}]}'), TWO, 1)).toEqual([['cat', 0.9]]);
    expect(() => format('TF-SERVING').decode(json('{"error":"bad input"}'), SCORE, 1)).toThrow(/no 'predictions' array: bad input/);
    expect(() => format('TF-SERVING').decode(json('{"predictions":[1,2,3]}'), SCORE, 2)).toThrow(/3 predictions for 2 rows/);
  });

  it('TF-SERVING-COLUMN: outputs as a list per row or named lists per column', () => {
    expect(format('TF-SERVING-COLUMN').decode(json('{"outputs":[0.5,0.25]}'), SCORE, 2)).toEqual([[0.5], [0.25]]);
    expect(format('TF-SERVING-COLUMN').decode(json('{"outputs":{"label":["a","b"],"score":[1,2]}}'), TWO, 2)).toEqual([['a', 1], ['b', 2]]);
    expect(() => format('TF-SERVING-COLUMN').decode(json('{"outputs":{"label":["a"]}}'), TWO, 1)).toThrow(/no list of 1 values for the OUTPUT column 'score'/);
  });

  it('TRITON: output tensors by name (else position), split by the batch dimension', () => {
    const answer = json(
      JSON.stringify({
        model_name: 'm',
        outputs: [
          { name: 'probs', shape: [2, 2], datatype: 'FP32', data: [0.1, 0.9, 0.7, 0.3] },
          { name: 'label', shape: [2], datatype: 'BYTES', data: ['b', 'a'] },
        ],
      }),
    );
    expect(format('TRITON').decode(answer, [col('label', T.STRING), col('probs', T.DOUBLES)], 2)).toEqual([
      ['b', [0.1, 0.9]],
      ['a', [0.7, 0.3]],
    ]);
    expect(format('KSERVE-V2').decode(json('{"outputs":[{"name":"OUTPUT0","shape":[1],"datatype":"INT64","data":[3]}]}'), [col('cls', T.BIGINT)], 1)).toEqual([[3]]);
    expect(() => format('TRITON').decode(json('{"outputs":[{"name":"x","shape":[1,2],"data":[1,2]}]}'), [col('x', T.DOUBLE)], 1)).toThrow(/2 values per row/);
  });

  it('pandas and tensor answers: a bare list or MLflow 2 predictions', () => {
    expect(format('AZUREML-PANDAS-DATAFRAME').decode(json('[1, 0]'), [col('c', T.INT)], 2)).toEqual([[1], [0]]);
    expect(format('PANDAS-DATAFRAME').decode(json('{"predictions":[true]}'), [col('b', T.BOOLEAN)], 1)).toEqual([[true]]);
    expect(format('AZUREML-TENSOR').decode(json('[[0.2, 0.8]]'), [col('p', T.DOUBLES)], 1)).toEqual([[[0.2, 0.8]]]);
  });

  it('TEXT and OPENAI-CHAT answers', () => {
    expect(format('TEXT').decode({ text: '0.5\n', contentType: 'text/plain' }, SCORE, 1)).toEqual([[0.5]]);
    const chat = format('OPENAI-CHAT');
    const answer = json('{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}');
    expect(chat.decode(answer, [col('o', T.STRING)], 1)).toEqual([['hi']]);
    expect(chat.usage!(answer)).toEqual({ promptTokens: 3, completionTokens: 1, totalTokens: 4 });
  });
});

describe('tabular formats: registry', () => {
  it('knows Confluent names in any case and JSON:<key>, and nothing else', () => {
    for (const name of ['csv', 'Json', 'JSON-ARRAY', 'tf-serving', 'KSERVE-V1', 'TF-SERVING-COLUMN', 'TRITON', 'kserve-v2', 'PANDAS-DATAFRAME', 'AZUREML-PANDAS-DATAFRAME', 'AZUREML-TENSOR', 'TEXT', 'OPENAI-CHAT', 'JSON:instances']) {
      expect(isTabularFormatName(name), name).toBe(true);
    }
    expect(isTabularFormatName('PROTOBUF')).toBe(false);
    expect(tabularFormat('KSERVE-V1', SETTINGS)!.name).toBe('TF-SERVING');
  });

  it('parses quoted CSV with embedded newlines', () => {
    expect(parseCsv('"a\nb",c\n\n"x""y",\n')).toEqual([['a\nb', 'c'], ['x"y', '']]);
  });
});
