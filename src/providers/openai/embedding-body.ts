import type { ModelResponse, TokenUsage } from '../../spi/model-provider.js';
import { AnswerShapeError } from '../malformed-answer.js';
import type { WireUsage } from './chat-body.js';

/** The part of an embeddings answer the provider reads. */
interface EmbeddingAnswer {
  readonly data?: readonly { readonly index: number; readonly embedding?: unknown }[];
  readonly usage?: WireUsage | null;
}

/** The embedding settings of the OpenAI wire format, shared by the openai and azureopenai providers. */
export interface EmbeddingSettings {
  /** Sent when set (Azure: optional, the deployment picks the model). */
  readonly model?: string | undefined;
  readonly dimension?: number | undefined;
  /** `max-tokens` of an embedding model: the per-row input limit (embedding-input-limit.ts), not sent. */
  readonly maxTokens?: number | undefined;
  /** Merged into the body first: the settings above win over it. */
  readonly extraBody?: Readonly<Record<string, unknown>> | undefined;
}

/** The embeddings request for the texts of a batch: a single string for one text. */
export function embeddingBody(c: EmbeddingSettings, texts: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { ...c.extraBody };
  if (c.model !== undefined) body['model'] = c.model;
  body['input'] = texts.length === 1 ? texts[0] : [...texts];
  // Explicit: the rows need floats, and a compatible server may default to base64.
  body['encoding_format'] = 'float';
  if (c.dimension !== undefined) body['dimensions'] = c.dimension;
  return body;
}

/** One response per text, in the order of `texts`, each with its share of the batch's usage; AnswerShapeError when the body does not fit. */
export function embeddingResponses(json: unknown, texts: readonly string[]): ModelResponse[] {
  const response = json as EmbeddingAnswer | null;
  const data = response !== null && typeof response === 'object' ? response.data : undefined;
  if (!Array.isArray(data)) throw new AnswerShapeError("no 'data' array");
  if (data.length !== texts.length) throw new AnswerShapeError(`expected ${texts.length} embeddings, got ${data.length}`);
  const shares = splitUsage(response!.usage?.prompt_tokens, response!.usage?.total_tokens, texts.map((t) => t.length));
  return [...data]
    .sort((a, b) => a.index - b.index)
    .map((item, k): ModelResponse => {
      if (!Array.isArray(item?.embedding)) throw new AnswerShapeError('an embedding is not an array');
      const usage = shares[k];
      return usage ? { rows: [[item.embedding]], usage } : { rows: [[item.embedding]] };
    });
}

/** A batch's usage shared out over its rows in proportion to their length; the shares add up to the total. */
function splitUsage(prompt: number | undefined, total: number | undefined, weights: readonly number[]): (TokenUsage | undefined)[] {
  if (prompt === undefined && total === undefined) return weights.map(() => undefined);
  const t = total ?? prompt ?? 0;
  const sum = weights.reduce((a, b) => a + Math.max(1, b), 0);
  let given = 0;
  return weights.map((w, i) => {
    const share = i === weights.length - 1 ? t - given : Math.floor((t * Math.max(1, w)) / sum);
    given += share;
    return { promptTokens: share, completionTokens: 0, totalTokens: share };
  });
}
