import type { Column, Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import { answerJson } from './json-format.js';
import { jsonRow, predictionRows } from './prediction-values.js';
import type { TabularAnswer, TabularFormat } from './tabular-format.js';

/**
 * The pandas DataFrame in split orientation, as MLflow models take it: `PANDAS-DATAFRAME` is
 * MLflow's own server (`{"dataframe_split": {"columns", "data"}}`), `AZUREML-PANDAS-DATAFRAME` an
 * Azure ML online endpoint (`{"input_data": {"columns", "index", "data"}}`, wire-formats §8).
 * The columns are the INPUT column names, one data row per row. The answer is the list of
 * predictions, bare or as MLflow 2's `{"predictions": [...]}`.
 */
export function pandasDataFrameFormat(flavour: 'mlflow' | 'azureml'): TabularFormat {
  return Object.freeze({
    name: flavour === 'azureml' ? 'AZUREML-PANDAS-DATAFRAME' : 'PANDAS-DATAFRAME',
    contentType: 'application/json',
    maxRows: Number.POSITIVE_INFINITY,
    checkColumns: () => [],
    encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
      const columns = inputs.map((c) => c.name);
      const data = rows.map((row) => jsonRow(row, inputs));
      const body = flavour === 'azureml' ? { input_data: { columns, index: rows.map((_, i) => i), data } } : { dataframe_split: { columns, data } };
      return { body: JSON.stringify(body), contentType: 'application/json' };
    },
    decode: (answer: TabularAnswer, outputs: readonly Column[], rowCount: number) => predictionList(answerJson(answer), outputs, rowCount),
  });
}

/**
 * `AZUREML-TENSOR`: an Azure ML (MLflow tensor) endpoint's `{"input_data": [...]}`, one element per
 * row, for one INPUT column; several columns go as named tensors, `{"input_data": {"<col>": [...]}}`.
 * The answer as for the DataFrame formats.
 */
export const azureMLTensorFormat: TabularFormat = Object.freeze({
  name: 'AZUREML-TENSOR',
  contentType: 'application/json',
  maxRows: Number.POSITIVE_INFINITY,
  checkColumns: () => [],
  encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
    const data = rows.map((row) => jsonRow(row, inputs));
    const input = inputs.length === 1 ? data.map((r) => r[0]) : Object.fromEntries(inputs.map((c, i) => [c.name, data.map((r) => r[i])]));
    return { body: JSON.stringify({ input_data: input }), contentType: 'application/json' };
  },
  decode: (answer: TabularAnswer, outputs: readonly Column[], rowCount: number) => predictionList(answerJson(answer), outputs, rowCount),
});

/** A bare list of predictions, or one under `predictions` (MLflow 2) or `outputs`. */
function predictionList(json: unknown, outputs: readonly Column[], rowCount: number): Value[][] {
  if (isRecord(json)) {
    for (const key of ['predictions', 'outputs']) if (Array.isArray(json[key])) return predictionRows(json[key], outputs, rowCount, `$.${key}`);
    if (rowCount !== 1) throw new AnswerShapeError(`not a list of predictions${typeof json['error'] === 'string' ? `: ${json['error']}` : ''}`);
  }
  return predictionRows(json, outputs, rowCount, '$');
}
