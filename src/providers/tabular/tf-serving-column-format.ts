import type { Column, Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import { answerJson } from './json-format.js';
import { columnReader, jsonRow, predictionRows } from './prediction-values.js';
import type { TabularAnswer, TabularFormat } from './tabular-format.js';

/**
 * `TF-SERVING-COLUMN`: TensorFlow Serving's columnar format. The request is `{"inputs": ...}` with
 * one list per INPUT column holding that column's value for each row (`{"inputs": {"age": [41],
 * "income": [52000.5]}}`; one column alone: `{"inputs": [41]}`). The answer is `{"outputs": ...}`:
 * a list with one prediction per row, or an object of named lists, each filling the OUTPUT column
 * of its name.
 */
export const tfServingColumnFormat: TabularFormat = Object.freeze({
  name: 'TF-SERVING-COLUMN',
  contentType: 'application/json',
  maxRows: Number.POSITIVE_INFINITY,
  checkColumns: () => [],
  encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
    const values = rows.map((row) => jsonRow(row, inputs));
    const columns = inputs.map((_, i) => values.map((r) => r[i]));
    const body = { inputs: inputs.length === 1 ? columns[0] : Object.fromEntries(inputs.map((c, i) => [c.name, columns[i]])) };
    return { body: JSON.stringify(body), contentType: 'application/json' };
  },
  decode(answer: TabularAnswer, outputs: readonly Column[], rowCount: number): Value[][] {
    const json = answerJson(answer);
    const out = isRecord(json) ? json['outputs'] : undefined;
    if (Array.isArray(out)) return predictionRows(out, outputs, rowCount, '$.outputs');
    if (!isRecord(out)) {
      const error = isRecord(json) && typeof json['error'] === 'string' ? `: ${json['error']}` : '';
      throw new AnswerShapeError(`no 'outputs' list or object${error}`);
    }
    const columns = outputs.map((c) => {
      const key = Object.hasOwn(out, c.name) ? c.name : Object.keys(out).find((k) => k.toLowerCase() === c.name.toLowerCase());
      const list = key === undefined ? undefined : out[key];
      if (!Array.isArray(list) || list.length !== rowCount) throw new AnswerShapeError(`$.outputs has no list of ${rowCount} values for the OUTPUT column '${c.name}'`);
      const read = columnReader(c.type);
      return list.map((v, r) => read(v, `$.outputs.${key}[${r}]`));
    });
    return Array.from({ length: rowCount }, (_, r) => columns.map((values) => values[r]!));
  },
});
