import type { Column, Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { columnReader, jsonOf, type ColumnReader } from './prediction-values.js';
import type { TabularFormat } from './tabular-format.js';

/**
 * `CSV`, SageMaker's default: one line per row, no header, the INPUT values in column order
 * (an ARRAY column spreads over as many fields, as a feature vector is written for XGBoost or
 * Linear Learner); RFC 4180 quoting. The answer is CSV too: one line per row whose fields fill
 * the OUTPUT columns in order (one ARRAY column takes them all; one character column a whole line).
 */
export const csvFormat: TabularFormat = Object.freeze({
  name: 'CSV',
  contentType: 'text/csv',
  maxRows: Number.POSITIVE_INFINITY,
  checkColumns: () => [],
  encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]) {
    const lines = rows.map((row) => inputs.flatMap((c, i) => fieldsOf(jsonOf(row[i] ?? null, c.type))).join(','));
    return { body: `${lines.join('\n')}\n`, contentType: 'text/csv' };
  },
  decode(answer: { readonly text: string }, outputs: readonly Column[], rowCount: number): Value[][] {
    const lines = parseCsv(answer.text);
    const readers = outputs.map((c) => columnReader(c.type));
    // Some built-in algorithms answer a batch on one line, one field per row.
    if (lines.length === 1 && rowCount > 1 && outputs.length === 1 && lines[0]!.length === rowCount) {
      return lines[0]!.map((field, i) => [readers[0]!(field, `line 1, field ${i + 1}`)]);
    }
    if (lines.length !== rowCount) throw new AnswerShapeError(`the CSV answer has ${lines.length} lines for ${rowCount} rows`);
    return lines.map((fields, i) => rowOf(fields, outputs, readers, i + 1));
  },
});

function rowOf(fields: readonly string[], outputs: readonly Column[], readers: readonly ColumnReader[], line: number): Value[] {
  if (outputs.length === 1) {
    const type = outputs[0]!.type;
    if (type.kind === 'ARRAY') return [readers[0]!(fields, `line ${line}`)];
    if (fields.length === 1) return [readers[0]!(fields[0], `line ${line}`)];
    if (type.kind === 'STRING' || type.kind === 'VARCHAR' || type.kind === 'CHAR') return [readers[0]!(fields.map(csvField).join(','), `line ${line}`)];
  }
  if (fields.length !== outputs.length) throw new AnswerShapeError(`line ${line} of the CSV answer has ${fields.length} fields for ${outputs.length} OUTPUT columns`);
  return outputs.map((_, i) => readers[i]!(fields[i], `line ${line}, field ${i + 1}`));
}

/** A JSON value as CSV fields: arrays spread, objects as their JSON text, NULL as an empty field. */
function fieldsOf(json: unknown): string[] {
  if (Array.isArray(json)) return json.flatMap(fieldsOf);
  if (json === null || json === undefined) return [''];
  if (typeof json === 'object') return [csvField(JSON.stringify(json))];
  return [csvField(String(json))];
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 lines to fields; blank lines are skipped (a trailing newline ends the last line). */
export function parseCsv(text: string): string[][] {
  const lines: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let touched = false;
  const endLine = () => {
    if (touched || fields.length > 0) {
      fields.push(field);
      lines.push(fields);
    }
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      quoted = true;
      touched = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endLine();
    } else {
      field += ch;
      touched = true;
    }
  }
  endLine();
  return lines;
}
