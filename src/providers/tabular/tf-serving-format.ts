import type { Column, Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import { answerJson } from './json-format.js';
import { jsonRow, predictionRows } from './prediction-values.js';
import type { TabularAnswer, TabularFormat } from './tabular-format.js';

/**
 * `TF-SERVING` (= `KSERVE-V1`): TensorFlow Serving's row format, `{"instances": [...]}` with one
 * instance per row — the value itself for one INPUT column, else the array of the row's values —
 * answered by `{"predictions": [...]}`, one prediction per row.
 */
export const tfServingFormat: TabularFormat = Object.freeze({
  name: 'TF-SERVING',
  contentType: 'application/json',
  maxRows: Number.POSITIVE_INFINITY,
  checkColumns: () => [],
  encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
    const instances = rows.map((row) => {
      const values = jsonRow(row, inputs);
      return values.length === 1 ? values[0] : values;
    });
    return { body: JSON.stringify({ instances }), contentType: 'application/json' };
  },
  decode(answer: TabularAnswer, outputs: readonly Column[], rowCount: number): Value[][] {
    const json = answerJson(answer);
    if (!isRecord(json) || !Array.isArray(json['predictions'])) {
      const error = isRecord(json) && typeof json['error'] === 'string' ? `: ${json['error']}` : '';
      throw new AnswerShapeError(`no 'predictions' array${error}`);
    }
    return predictionRows(json['predictions'], outputs, rowCount, '$.predictions');
  },
});
