import type { ModelDefinition } from '../../spi/model-provider.js';
import { DEFAULT_SYSTEM_PROMPT } from './openai-options.js';

/** Providers of the OpenAI wire whose API knows `json_object` but not `json_schema` (DeepSeek, wire-formats §2). */
const JSON_OBJECT_ONLY = new Set(['deepseek']);

/** The answer-shaping part of ChatSettings. */
export interface ChatFormat {
  readonly systemPrompt: string;
  readonly responseFormat: 'text' | 'json_object' | undefined;
  readonly structured: ModelDefinition['structured'];
}

/**
 * How a chat model asks for its answer's shape, compiled once: a structured model sends its schema
 * as a strict `json_schema` response format, or, on servers without one, `json_object` with the
 * schema in the system prompt (its wording names JSON, as `json_object` requires). `response-format`
 * = `json_schema` is carried by `structured` and never sent as a bare type.
 */
export function chatFormat(model: ModelDefinition): ChatFormat {
  const o = model.options;
  const systemPrompt = o.get<string>('system-prompt') ?? DEFAULT_SYSTEM_PROMPT;
  const option = o.get<string>('response-format');
  const responseFormat = option === 'text' || option === 'json_object' ? option : undefined;
  const structured = model.structured;
  if (!structured) return { systemPrompt, responseFormat, structured: undefined };
  if (JSON_OBJECT_ONLY.has(model.provider.toLowerCase())) {
    const prompt = systemPrompt.length > 0 ? `${systemPrompt}\n\n${structured.instruction}` : structured.instruction;
    return { systemPrompt: prompt, responseFormat: 'json_object', structured: undefined };
  }
  return { systemPrompt, responseFormat: undefined, structured };
}
