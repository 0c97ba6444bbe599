import type { OptionSpec } from '../../spi/config-spec.js';

/**
 * The generation options of a Gemini `:generateContent` body, shared by `googleai` and `vertexai`
 * (same body, gemini-content.ts): Flink's names, with Confluent's `<provider>.PARAMS.*` and
 * `<provider>.system_prompt` spellings as aliases.
 */
export function geminiGenerationOptions(provider: 'googleai' | 'vertexai'): OptionSpec[] {
  return [
    {
      key: 'system-prompt',
      type: { kind: 'string' },
      aliases: ['systemPrompt', 'system_prompt', `${provider}.system_prompt`],
      description: 'Text generation: sent as `systemInstruction`. Unset: none.',
    },
    {
      key: 'temperature',
      type: { kind: 'double', min: 0, max: 2 },
      aliases: [`${provider}.PARAMS.temperature`],
      description: 'Text generation: `generationConfig.temperature`, 0..2.',
    },
    {
      key: 'top-p',
      type: { kind: 'double', min: 0, max: 1 },
      aliases: ['topP', 'top_p', `${provider}.PARAMS.top_p`],
      description: 'Text generation: `generationConfig.topP`, 0..1.',
    },
    {
      key: 'top-k',
      type: { kind: 'int', min: 1 },
      aliases: ['topK', 'top_k', `${provider}.PARAMS.top_k`],
      description: 'Text generation: `generationConfig.topK` (only models that allow it).',
    },
    {
      key: 'stop',
      type: { kind: 'string' },
      aliases: [`${provider}.PARAMS.stop`],
      description: 'Text generation: stop sequences, comma-separated, at most 5 (`generationConfig.stopSequences`).',
    },
    {
      key: 'max-tokens',
      type: { kind: 'int', min: 1 },
      aliases: ['maxTokens', 'max_tokens', 'maxOutputTokens', 'max-output-tokens', `${provider}.PARAMS.max_tokens`],
      description: 'Text generation: `generationConfig.maxOutputTokens`; also the completion part of the token estimate (256 when unset).',
    },
  ];
}
