import type { OptionSpec } from '../../spi/config-spec.js';

/**
 * The generation options of the OPENAI-CHAT format on an endpoint that is not itself an OpenAI
 * provider (sagemaker, azureml): Flink's names, with Confluent's `<provider>.system_prompt` and
 * `<provider>.PARAMS.*` spellings as aliases.
 */
export function openAIChatFormatOptions(provider: 'sagemaker' | 'azureml'): OptionSpec[] {
  return [
    {
      key: 'system-prompt',
      type: { kind: 'string' },
      aliases: ['systemPrompt', 'system_prompt', `${provider}.system_prompt`],
      description: 'OPENAI-CHAT: the system message. Unset: none.',
    },
    {
      key: 'temperature',
      type: { kind: 'double', min: 0, max: 2 },
      aliases: [`${provider}.PARAMS.temperature`],
      description: 'OPENAI-CHAT: sampling temperature.',
    },
    {
      key: 'top-p',
      type: { kind: 'double', min: 0, max: 1 },
      aliases: ['topP', 'top_p', `${provider}.PARAMS.top_p`],
      description: 'OPENAI-CHAT: nucleus sampling probability mass.',
    },
    {
      key: 'stop',
      type: { kind: 'string' },
      aliases: [`${provider}.PARAMS.stop`],
      description: 'OPENAI-CHAT: stop sequences, comma-separated.',
    },
    {
      key: 'max-tokens',
      type: { kind: 'int', min: 1 },
      aliases: ['maxTokens', 'max_tokens', `${provider}.PARAMS.max_tokens`],
      description: 'OPENAI-CHAT: completion token limit.',
    },
  ];
}
