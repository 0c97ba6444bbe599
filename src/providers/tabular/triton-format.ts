import type { Column, DataType, Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import { answerJson } from './json-format.js';
import { columnReader, jsonOf } from './prediction-values.js';
import { TabularInputError, type TabularAnswer, type TabularFormat } from './tabular-format.js';

/**
 * `TRITON` (= `KSERVE-V2`): the Open Inference Protocol. Each INPUT column is one named tensor,
 * `{"name", "shape": [rows, ...], "datatype", "data"}` with the data flattened row-major (an ARRAY
 * column adds a dimension, so its arrays must be equally long); the answer's `outputs` tensors
 * fill the OUTPUT columns by name, or by position when no name matches.
 */
export const tritonFormat: TabularFormat = Object.freeze({
  name: 'TRITON',
  contentType: 'application/json',
  maxRows: Number.POSITIVE_INFINITY,
  checkColumns(inputs: readonly Column[]) {
    return inputs.filter((c) => datatypeOf(c.type) === undefined).map((c) => `the TRITON format has no tensor type for INPUT column '${c.name}'`);
  },
  encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
    const tensors = inputs.map((c, i) => tensorOf(c, rows.map((r) => r[i] ?? null)));
    return { body: JSON.stringify({ inputs: tensors }), contentType: 'application/json' };
  },
  decode(answer: TabularAnswer, outputs: readonly Column[], rowCount: number): Value[][] {
    const json = answerJson(answer);
    const tensors = isRecord(json) ? json['outputs'] : undefined;
    if (!Array.isArray(tensors) || !tensors.every(isRecord)) {
      const error = isRecord(json) && typeof json['error'] === 'string' ? `: ${json['error']}` : '';
      throw new AnswerShapeError(`no 'outputs' array of tensors${error}`);
    }
    const byName = outputs.map((c) => tensors.find((t) => t['name'] === c.name));
    const columns = outputs.map((c, i) => {
      const tensor = byName.every((t) => t !== undefined) ? byName[i]! : tensors[i];
      if (tensor === undefined) throw new AnswerShapeError(`no output tensor for the OUTPUT column '${c.name}'`);
      return columnValues(tensor, c, rowCount);
    });
    return Array.from({ length: rowCount }, (_, r) => columns.map((values) => values[r]!));
  },
});

/** KServe v2 datatypes of Flink types; undefined for types without a tensor form. */
function datatypeOf(type: DataType): string | undefined {
  switch (type.kind) {
    case 'BOOLEAN':
      return 'BOOL';
    case 'TINYINT':
      return 'INT8';
    case 'SMALLINT':
      return 'INT16';
    case 'INT':
      return 'INT32';
    case 'BIGINT':
      return 'INT64';
    case 'FLOAT':
      return 'FP32';
    case 'DOUBLE':
    case 'DECIMAL':
      return 'FP64';
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return 'BYTES';
    case 'ARRAY':
      return type.element.kind === 'ARRAY' ? undefined : datatypeOf(type.element);
    default:
      return undefined;
  }
}

function tensorOf(column: Column, values: readonly Value[]): Record<string, unknown> {
  const datatype = datatypeOf(column.type)!;
  const json = values.map((v) => jsonOf(v, column.type));
  if (column.type.kind !== 'ARRAY') return { name: column.name, shape: [values.length], datatype, data: json };
  const lengths = new Set(json.map((v) => (Array.isArray(v) ? v.length : -1)));
  if (lengths.size !== 1 || lengths.has(-1)) {
    throw new TabularInputError(`the TRITON format needs the arrays of INPUT column '${column.name}' non-null and of one length`);
  }
  return { name: column.name, shape: [values.length, [...lengths][0]!], datatype, data: json.flat() };
}

/** One value per row from a tensor: a scalar for `[rows]` shapes, else the row's slice as an array. */
function columnValues(tensor: Record<string, unknown>, column: Column, rowCount: number): Value[] {
  const data = tensor['data'];
  const shape = tensor['shape'];
  const name = String(tensor['name'] ?? column.name);
  if (!Array.isArray(data)) throw new AnswerShapeError(`output tensor '${name}' has no 'data' array`);
  const dims = Array.isArray(shape) && shape.every((d) => typeof d === 'number') ? (shape as number[]) : [data.length];
  const read = columnReader(column.type);
  const perRow = dims[0] === rowCount ? dims.slice(1).reduce((a, b) => a * b, 1) : rowCount === 1 ? data.length : -1;
  if (perRow < 0 || perRow * rowCount !== data.length) {
    throw new AnswerShapeError(`output tensor '${name}' of shape [${dims.join(', ')}] and ${data.length} values does not split into ${rowCount} rows`);
  }
  const whole = column.type.kind === 'ARRAY';
  return Array.from({ length: rowCount }, (_, r) => {
    const slice = data.slice(r * perRow, (r + 1) * perRow);
    if (whole) return read(slice, `${name}[${r}]`);
    if (slice.length !== 1) throw new AnswerShapeError(`output tensor '${name}' has ${slice.length} values per row for the scalar OUTPUT column '${column.name}'`);
    return read(slice[0], `${name}[${r}]`);
  });
}
