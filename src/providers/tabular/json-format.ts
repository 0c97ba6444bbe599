import type { Column, Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { parseJson } from '../parse-json.js';
import { jsonRow, predictionRows } from './prediction-values.js';
import type { TabularAnswer, TabularFormat } from './tabular-format.js';

/** A 2xx body as JSON, or AnswerShapeError: every JSON format reads its answer this way. */
export function answerJson(answer: TabularAnswer): unknown {
  const json = parseJson(answer.text);
  if (json === undefined) throw new AnswerShapeError('not JSON');
  return json;
}

/**
 * `JSON`: the row as one object keyed by the INPUT column names, `{"age": 41, "income": 5.2e4}`.
 * The answer is the prediction: an object whose properties fill the OUTPUT columns by name, an
 * array that fills them by position, or a bare value for one column. `JSON:<key>` (Confluent's
 * `JSON:wrapper`) puts the object under `<key>`, e.g. `JSON:inputs` -> `{"inputs": {...}}`.
 */
export function jsonFormat(wrapper?: string): TabularFormat {
  return Object.freeze({
    name: wrapper === undefined ? 'JSON' : `JSON:${wrapper}`,
    contentType: 'application/json',
    maxRows: 1,
    checkColumns: () => [],
    encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
      const values = jsonRow(rows[0]!, inputs);
      const object = Object.fromEntries(inputs.map((c, i) => [c.name, values[i]]));
      return { body: JSON.stringify(wrapper === undefined ? object : { [wrapper]: object }), contentType: 'application/json' };
    },
    decode: (answer: TabularAnswer, outputs: readonly Column[], rowCount: number) => predictionRows(answerJson(answer), outputs, rowCount, '$'),
  });
}

/** `JSON-ARRAY`: the row as an array of its INPUT values in column order, `[41, 52000]`; the answer as for JSON. */
export const jsonArrayFormat: TabularFormat = Object.freeze({
  name: 'JSON-ARRAY',
  contentType: 'application/json',
  maxRows: 1,
  checkColumns: () => [],
  encode: (rows: readonly (readonly Value[])[], inputs: readonly Column[]) => ({ body: JSON.stringify(jsonRow(rows[0]!, inputs)), contentType: 'application/json' }),
  decode: (answer: TabularAnswer, outputs: readonly Column[], rowCount: number) => predictionRows(answerJson(answer), outputs, rowCount, '$'),
});
