import type { Column, Value } from '../../types/data-type.js';
import { describeColumns, isStringLike } from '../schema-rules.js';
import { textOf } from '../text-of.js';
import { columnReader } from './prediction-values.js';
import type { TabularAnswer, TabularFormat } from './tabular-format.js';

/** `TEXT`: the one INPUT column's text as a `text/plain` body; the answer's whole text is the one OUTPUT value. */
export const textFormat: TabularFormat = Object.freeze({
  name: 'TEXT',
  contentType: 'text/plain',
  maxRows: 1,
  checkColumns(inputs: readonly Column[], outputs: readonly Column[]) {
    const problems: string[] = [];
    if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) problems.push(`the TEXT format takes exactly one STRING input column, not ${describeColumns(inputs)}`);
    if (outputs.length !== 1) problems.push(`the TEXT format produces exactly one output column, not ${describeColumns(outputs)}`);
    return problems;
  },
  encode: (rows: readonly (readonly Value[])[]) => ({ body: textOf(rows[0]![0]), contentType: 'text/plain' }),
  decode: (answer: TabularAnswer, outputs: readonly Column[]) => [[columnReader(outputs[0]!.type)(answer.text, 'the answer')]],
});
