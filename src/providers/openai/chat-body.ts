import type { ModelResponse, StructuredOutputRequest, TokenUsage } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';

/** The chat settings of the OpenAI wire format, shared by the openai and azureopenai providers. */
export interface ChatSettings {
  /** Sent when set (Azure: optional, the deployment picks the model). */
  readonly model?: string | undefined;
  readonly systemPrompt: string;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly maxTokens?: number | undefined;
  readonly presencePenalty?: number | undefined;
  readonly n?: number | undefined;
  readonly seed?: number | undefined;
  readonly responseFormat?: 'text' | 'json_object' | undefined;
  /** Typed structured output: sent as a strict `json_schema` response format (wins over `responseFormat`). */
  readonly structured?: StructuredOutputRequest | undefined;
  /** Merged into the body first: the settings above win over it. */
  readonly extraBody?: Readonly<Record<string, unknown>> | undefined;
}

/** The part of a chat completion the provider reads. */
interface ChatCompletion {
  readonly choices: readonly { readonly index: number; readonly message?: { readonly content?: string | null } }[];
  readonly usage?: WireUsage | null;
}

/** The `usage` object of the OpenAI wire format. */
export interface WireUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly total_tokens?: number;
}

/** The chat completions request for one row; unset settings are not sent. */
export function chatBody(c: ChatSettings, input: string): Record<string, unknown> {
  const messages: { role: 'system' | 'user'; content: string }[] = [];
  if (c.systemPrompt.length > 0) messages.push({ role: 'system', content: c.systemPrompt });
  messages.push({ role: 'user', content: input });
  const body: Record<string, unknown> = { ...c.extraBody };
  if (c.model !== undefined) body['model'] = c.model;
  body['messages'] = messages;
  if (c.temperature !== undefined) body['temperature'] = c.temperature;
  if (c.topP !== undefined) body['top_p'] = c.topP;
  if (c.stop !== undefined && c.stop.length > 0) body['stop'] = [...c.stop];
  if (c.maxTokens !== undefined) body['max_tokens'] = c.maxTokens;
  if (c.presencePenalty !== undefined) body['presence_penalty'] = c.presencePenalty;
  if (c.n !== undefined) body['n'] = c.n;
  if (c.seed !== undefined) body['seed'] = c.seed;
  if (c.structured !== undefined) body['response_format'] = jsonSchemaFormat(c.structured);
  else if (c.responseFormat !== undefined) body['response_format'] = { type: c.responseFormat };
  return body;
}

/**
 * The chat request body of one row as text, the same bytes as `JSON.stringify(chatBody(c, input))`:
 * everything but the input is serialized once, so a row costs one JSON.stringify of its text
 * instead of building and serializing the whole request object.
 */
export function chatBodyText(c: ChatSettings): (input: string) => string {
  const marker = JSON.stringify('\u0000predictd-input\u0000');
  const whole = JSON.stringify(chatBody(c, JSON.parse(marker) as string));
  const at = whole.indexOf(marker);
  // The marker appearing twice (say, in a system prompt) would make the split ambiguous.
  if (at < 0 || whole.indexOf(marker, at + 1) >= 0) return (input) => JSON.stringify(chatBody(c, input));
  const head = whole.slice(0, at);
  const tail = whole.slice(at + marker.length);
  return (input) => head + JSON.stringify(input) + tail;
}

/** OpenAI's strict structured-output format (wire-formats §1.2): the answer is guaranteed to match the schema. */
function jsonSchemaFormat(s: StructuredOutputRequest): Record<string, unknown> {
  return { type: 'json_schema', json_schema: { name: s.name, strict: true, schema: s.schema } };
}

/** One output row per choice, in choice order, with the completion's usage; AnswerShapeError when the body is not a completion. */
export function chatResponse(json: unknown): ModelResponse {
  const completion = json as ChatCompletion | null;
  if (completion === null || typeof completion !== 'object' || !Array.isArray(completion.choices)) throw new AnswerShapeError("no 'choices' array");
  const choices = completion.choices;
  // One choice (n unset) is the common answer: no copy and sort for it.
  const rows =
    choices.length === 1
      ? [[choices[0]!.message?.content ?? '']]
      : [...choices].sort((a, b) => a.index - b.index).map((choice): Value[] => [choice.message?.content ?? '']);
  const usage = mapUsage(completion.usage);
  return usage ? { rows, usage } : { rows };
}

function mapUsage(usage: WireUsage | undefined | null): TokenUsage | undefined {
  if (!usage) return undefined;
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: usage.total_tokens ?? promptTokens + completionTokens };
}
