import type { TokenUsage } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { assertNever } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import type { BedrockOperation } from './bedrock-endpoint.js';
import { DEFAULT_ANTHROPIC_MAX_TOKENS, type BedrockInputFormat } from './bedrock-options.js';

/** Generation settings compiled from the options; unset fields are not sent. */
export interface BedrockGeneration {
  readonly systemPrompt?: string | undefined;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly topK?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly maxTokens?: number | undefined;
  readonly dimension?: number | undefined;
}

export interface DecodedAnswer {
  readonly value: Value;
  readonly usage: TokenUsage | undefined;
}

/** The request body of one row and the reading of its answer, for one model family (wire-formats §4.3, §4.4). */
export interface BedrockCodec {
  readonly output: 'text' | 'embedding';
  request(text: string, g: BedrockGeneration): Record<string, unknown>;
  /** Throws an AnswerShapeError when the body is not what the family answers. */
  response(body: unknown): DecodedAnswer;
}

export type BedrockWireFormat = BedrockInputFormat | 'CONVERSE';

export function wireFormat(operation: BedrockOperation, format: BedrockInputFormat | undefined): BedrockWireFormat | undefined {
  return operation === 'converse' ? 'CONVERSE' : format;
}

export function codecFor(format: BedrockWireFormat): BedrockCodec {
  switch (format) {
    case 'AMAZON-TITAN-EMBED':
      return TITAN_EMBED;
    case 'AMAZON-TITAN-TEXT':
      return TITAN_TEXT;
    case 'ANTHROPIC-MESSAGES':
      return ANTHROPIC_MESSAGES;
    case 'CONVERSE':
      return CONVERSE;
    default:
      return assertNever(format, 'bedrock format');
  }
}

const TITAN_EMBED: BedrockCodec = Object.freeze({
  output: 'embedding',
  // One text per call: Titan embeddings take no arrays (wire-formats §4.3).
  request(text: string, g: BedrockGeneration) {
    return g.dimension === undefined ? { inputText: text } : { inputText: text, dimensions: g.dimension };
  },
  response(body: unknown): DecodedAnswer {
    const b = record(body);
    const embedding = b['embedding'];
    if (!Array.isArray(embedding) || embedding.some((x) => typeof x !== 'number')) throw malformed('no numeric `embedding` array');
    const prompt = count(b['inputTextTokenCount']);
    return { value: embedding as number[], usage: prompt === undefined ? undefined : usageOf(prompt, 0) };
  },
});

const TITAN_TEXT: BedrockCodec = Object.freeze({
  output: 'text',
  request(text: string, g: BedrockGeneration) {
    const config: Record<string, unknown> = {};
    if (g.temperature !== undefined) config['temperature'] = g.temperature;
    if (g.topP !== undefined) config['topP'] = g.topP;
    if (g.maxTokens !== undefined) config['maxTokenCount'] = g.maxTokens;
    if (g.stop?.length) config['stopSequences'] = [...g.stop];
    // Titan Text has no system field: the instruction goes in front of the row text.
    const inputText = g.systemPrompt ? `${g.systemPrompt}\n\n${text}` : text;
    return Object.keys(config).length > 0 ? { inputText, textGenerationConfig: config } : { inputText };
  },
  response(body: unknown): DecodedAnswer {
    const b = record(body);
    const results = b['results'];
    const first = Array.isArray(results) ? results[0] : undefined;
    if (!isRecord(first) || typeof first['outputText'] !== 'string') throw malformed('no `results[0].outputText`');
    const prompt = count(b['inputTextTokenCount']);
    const completion = count(first['tokenCount']);
    return { value: first['outputText'], usage: prompt === undefined && completion === undefined ? undefined : usageOf(prompt ?? 0, completion ?? 0) };
  },
});

const ANTHROPIC_MESSAGES: BedrockCodec = Object.freeze({
  output: 'text',
  request(text: string, g: BedrockGeneration) {
    const body: Record<string, unknown> = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: g.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    };
    if (g.systemPrompt) body['system'] = g.systemPrompt;
    if (g.temperature !== undefined) body['temperature'] = g.temperature;
    if (g.topP !== undefined) body['top_p'] = g.topP;
    if (g.topK !== undefined) body['top_k'] = g.topK;
    if (g.stop?.length) body['stop_sequences'] = [...g.stop];
    return body;
  },
  response(body: unknown): DecodedAnswer {
    const b = record(body);
    const content = b['content'];
    if (!Array.isArray(content)) throw malformed('no `content` array');
    const text = content
      .filter((part): part is Record<string, unknown> => isRecord(part) && part['type'] === 'text' && typeof part['text'] === 'string')
      .map((part) => part['text'] as string)
      .join('');
    const usage = isRecord(b['usage']) ? b['usage'] : {};
    const prompt = count(usage['input_tokens']);
    const completion = count(usage['output_tokens']);
    return { value: text, usage: prompt === undefined && completion === undefined ? undefined : usageOf(prompt ?? 0, completion ?? 0) };
  },
});

const CONVERSE: BedrockCodec = Object.freeze({
  output: 'text',
  request(text: string, g: BedrockGeneration) {
    const body: Record<string, unknown> = { messages: [{ role: 'user', content: [{ text }] }] };
    if (g.systemPrompt) body['system'] = [{ text: g.systemPrompt }];
    const inference: Record<string, unknown> = {};
    if (g.maxTokens !== undefined) inference['maxTokens'] = g.maxTokens;
    if (g.temperature !== undefined) inference['temperature'] = g.temperature;
    if (g.topP !== undefined) inference['topP'] = g.topP;
    if (g.stop?.length) inference['stopSequences'] = [...g.stop];
    if (Object.keys(inference).length > 0) body['inferenceConfig'] = inference;
    if (g.topK !== undefined) body['additionalModelRequestFields'] = { top_k: g.topK };
    return body;
  },
  response(body: unknown): DecodedAnswer {
    const b = record(body);
    const output = isRecord(b['output']) ? b['output'] : undefined;
    const message = output && isRecord(output['message']) ? output['message'] : undefined;
    const content = message?.['content'];
    if (!Array.isArray(content)) throw malformed('no `output.message.content` array');
    const text = content
      .filter((part): part is Record<string, unknown> => isRecord(part) && typeof part['text'] === 'string')
      .map((part) => part['text'] as string)
      .join('');
    const usage = isRecord(b['usage']) ? b['usage'] : {};
    const prompt = count(usage['inputTokens']);
    const completion = count(usage['outputTokens']);
    if (prompt === undefined && completion === undefined) return { value: text, usage: undefined };
    const u = usageOf(prompt ?? 0, completion ?? 0);
    return { value: text, usage: { ...u, totalTokens: count(usage['totalTokens']) ?? u.totalTokens } };
  },
});

function record(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw malformed('the body is not a JSON object');
  return body;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function usageOf(promptTokens: number, completionTokens: number): TokenUsage {
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function malformed(what: string): AnswerShapeError {
  return new AnswerShapeError(what);
}
