import type { TokenUsage } from '../../spi/model-provider.js';
import type { Column, Value } from '../../types/data-type.js';

/** A request body a format built from rows, and the Content-Type it is written in. */
export interface EncodedRequest {
  readonly body: string;
  readonly contentType: string;
}

/** A 2xx answer as a format reads it: its text and Content-Type (absent when the server sent none). */
export interface TabularAnswer {
  readonly text: string;
  readonly contentType: string | undefined;
}

/**
 * One of Confluent's `{provider}.input_format` / `output_format` values: how a model's INPUT
 * columns become a request body and how an answer becomes its OUTPUT columns. Plain functions of
 * rows and columns, with no transport in them, so any provider that posts bodies (SageMaker,
 * Azure ML, a Vertex or KServe endpoint) can use any format.
 *
 * `encode` and `decode` throw AnswerShapeError (malformed-answer.ts) for an answer they cannot
 * read and TabularInputError for a row they cannot write.
 */
export interface TabularFormat {
  /** The canonical name, e.g. `TF-SERVING` (aliases such as `KSERVE-V1` resolve to it). */
  readonly name: string;
  /** The Content-Type `encode` writes and the Accept a provider sends by default. */
  readonly contentType: string;
  /** Rows one request may carry: 1 for formats whose body has no room for several (JSON object, chat). */
  readonly maxRows: number;
  /** Problems with the model's columns (e.g. TEXT takes one STRING input); empty when they fit. */
  checkColumns(inputs: readonly Column[], outputs: readonly Column[]): readonly string[];
  encode(rows: readonly (readonly Value[])[], inputs: readonly Column[]): EncodedRequest;
  /** One row of OUTPUT values per input row (`rowCount` of them), in input order. */
  decode(answer: TabularAnswer, outputs: readonly Column[], rowCount: number): Value[][];
  /** Token usage an LLM format reads from its answer; tabular formats report none. */
  usage?(answer: TabularAnswer): TokenUsage | undefined;
}

/** A row the format cannot write (an array column of uneven length for a tensor, say): the row's fault, never retried. */
export class TabularInputError extends Error {
  override readonly name = 'TabularInputError';
}
