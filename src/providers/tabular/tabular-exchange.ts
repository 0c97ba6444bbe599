import { ModelCallError, type ModelResponse } from '../../spi/model-provider.js';
import type { Column, Value } from '../../types/data-type.js';
import type { HttpAnswer } from '../http/http-client.js';
import { AnswerShapeError, malformedAnswer } from '../malformed-answer.js';
import type { EncodedRequest, TabularFormat } from './tabular-format.js';
import { TabularInputError } from './tabular-format.js';

/** A model's two formats and columns, as a provider's client holds them. */
export interface TabularModel {
  readonly input: TabularFormat;
  readonly output: TabularFormat;
  readonly inputs: readonly Column[];
  readonly outputs: readonly Column[];
}

/**
 * The part of a call every tabular provider shares around its own transport: rows whose every
 * INPUT is NULL are dropped without a request (Flink's rule for a NULL input; `onNull` is
 * called for each), the rest are encoded into one body, `send` posts it and answers the 2xx (a
 * non-2xx it throws as the provider's error), and the answer is decoded into one response per row.
 * A row the format cannot write is fatal (no retry can change it); an answer it cannot read is a
 * malformed answer (transient, retried).
 */
export async function exchangeRows(
  model: TabularModel,
  batch: readonly (readonly Value[])[],
  onNull: () => void,
  send: (request: EncodedRequest) => Promise<HttpAnswer>,
  redact: (text: string) => string,
): Promise<ModelResponse[]> {
  const rows: (readonly Value[])[] = [];
  const positions: number[] = [];
  batch.forEach((inputs, i) => {
    if (inputs.every((v) => v === null || v === undefined)) onNull();
    else {
      rows.push(inputs);
      positions.push(i);
    }
  });
  const results: ModelResponse[] = batch.map(() => ({ rows: [] }));
  if (rows.length === 0) return results;
  const answer = await send(encodeRows(model, rows, redact));
  const decoded = decodeRows(model, answer, rows.length, redact);
  decoded.forEach((r, k) => (results[positions[k]!] = r));
  return results;
}

function encodeRows(model: TabularModel, rows: readonly (readonly Value[])[], redact: (text: string) => string): EncodedRequest {
  try {
    return model.input.encode(rows, model.inputs);
  } catch (err) {
    if (err instanceof TabularInputError) throw new ModelCallError('fatal', redact(`${model.input.name} cannot write the row: ${err.message}`), { cause: err });
    throw err;
  }
}

function decodeRows(model: TabularModel, answer: HttpAnswer, rowCount: number, redact: (text: string) => string): ModelResponse[] {
  const info = { text: answer.text, contentType: answer.headers.get('content-type') ?? undefined };
  try {
    const rows = model.output.decode(info, model.outputs, rowCount);
    const usage = model.output.usage?.(info);
    return rows.map((row, i) => (usage && i === 0 ? { rows: [row], usage } : { rows: [row] }));
  } catch (err) {
    if (err instanceof AnswerShapeError) throw malformedAnswer(answer, `${model.output.name}: ${err.message}`, redact);
    throw err;
  }
}

/** Tokens for the limiter: the JSON text of the row's inputs at four characters a token, at least one. */
export function estimateRowTokens(inputs: readonly Value[]): number {
  let chars = 0;
  for (const v of inputs) chars += typeof v === 'string' ? v.length : v === null ? 4 : Array.isArray(v) ? 8 * v.length : 8;
  return Math.max(1, Math.ceil(chars / 4));
}
