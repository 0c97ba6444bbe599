import type { ModelResponse, TokenUsage } from '../../spi/model-provider.js';
import { ModelCallError } from '../../spi/model-provider.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';

/**
 * The `:generateContent` body and answer, shared by the Gemini API (`googleai`) and Vertex AI
 * publisher models (`vertexai`): both speak the same JSON (wire-formats §6.2, §6.3, §7.2).
 */
export interface GeminiGenerationSettings {
  readonly systemPrompt?: string | undefined;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly topK?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly maxTokens?: number | undefined;
  /** Typed structured output: `generationConfig.responseSchema` (with `responseMimeType` application/json). */
  readonly responseSchema?: Readonly<Record<string, unknown>> | undefined;
}

/** One `user` turn (Vertex requires the role), the system prompt as `systemInstruction`, the settings as `generationConfig`. */
export function geminiGenerateBody(text: string, s: GeminiGenerationSettings): Record<string, unknown> {
  const body: Record<string, unknown> = { contents: [{ role: 'user', parts: [{ text }] }] };
  if (s.systemPrompt) body['systemInstruction'] = { parts: [{ text: s.systemPrompt }] };
  const generation: Record<string, unknown> = {};
  if (s.temperature !== undefined) generation['temperature'] = s.temperature;
  if (s.topP !== undefined) generation['topP'] = s.topP;
  if (s.topK !== undefined) generation['topK'] = s.topK;
  if (s.maxTokens !== undefined) generation['maxOutputTokens'] = s.maxTokens;
  if (s.stop?.length) generation['stopSequences'] = [...s.stop];
  if (s.responseSchema !== undefined) {
    generation['responseMimeType'] = 'application/json';
    generation['responseSchema'] = s.responseSchema;
  }
  if (Object.keys(generation).length > 0) body['generationConfig'] = generation;
  return body;
}

/** The text of `candidates[0]` (thought parts skipped) and `usageMetadata`; `service` names the API in errors. */
export function readGeminiAnswer(json: Record<string, unknown>, service = 'Gemini'): ModelResponse {
  const candidate = Array.isArray(json['candidates']) ? json['candidates'][0] : undefined;
  const content = isRecord(candidate) && isRecord(candidate['content']) ? candidate['content'] : undefined;
  const parts = Array.isArray(content?.['parts']) ? (content['parts'] as unknown[]) : undefined;
  if (!parts) {
    // A blocked prompt or answer is the same on every retry: the error strategy decides (IGNORE drops the row).
    const feedback = isRecord(json['promptFeedback']) ? json['promptFeedback']['blockReason'] : undefined;
    const finish = isRecord(candidate) ? candidate['finishReason'] : undefined;
    if (typeof feedback === 'string') throw new ModelCallError('fatal', `${service} blocked the prompt: ${feedback}`);
    if (typeof finish === 'string' && finish !== 'STOP') throw new ModelCallError('fatal', `${service} returned no content: finishReason ${finish}`);
    throw new AnswerShapeError("no 'candidates[0].content.parts'");
  }
  const text = parts
    .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p['text'] === 'string' && p['thought'] !== true)
    .map((p) => p['text'] as string)
    .join('');
  const usage = geminiUsage(json['usageMetadata']);
  return usage ? { rows: [[text]], usage } : { rows: [[text]] };
}

/** `usageMetadata` as TokenUsage; thinking tokens are billed as output. */
export function geminiUsage(meta: unknown): TokenUsage | undefined {
  if (!isRecord(meta)) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const prompt = num(meta['promptTokenCount']) ?? 0;
  const completion = (num(meta['candidatesTokenCount']) ?? 0) + (num(meta['thoughtsTokenCount']) ?? 0);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: num(meta['totalTokenCount']) ?? prompt + completion };
}
