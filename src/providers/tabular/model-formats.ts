import type { ModelDefinition } from '../../spi/model-provider.js';
import type { ChatSettings } from '../openai/chat-body.js';
import { closestMatch } from '../../spi/did-you-mean.js';
import type { TabularModel } from './tabular-exchange.js';
import { TABULAR_FORMAT_NAMES, tabularFormat } from './tabular-formats.js';
import type { TabularFormat } from './tabular-format.js';

export interface ResolvedFormats {
  readonly input: TabularFormat;
  readonly output: TabularFormat;
  readonly model: TabularModel;
}

/**
 * A model's `<provider>.input_format` (default `fallback`) and `<provider>.output_format`
 * (default: the input format) as formats, with their column checks; an LLM format must be both.
 */
export function resolveTabularFormats(model: ModelDefinition, provider: string, fallback: string): ResolvedFormats | { readonly problems: readonly string[] } {
  const o = model.options;
  const settings = { chat: chatSettingsOf(model) };
  const problems: string[] = [];
  const lookup = (key: string, name: string): TabularFormat | undefined => {
    const format = tabularFormat(name, settings);
    if (!format) {
      const hint = closestMatch(name.toUpperCase(), TABULAR_FORMAT_NAMES);
      problems.push(`unknown ${key} '${name}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${TABULAR_FORMAT_NAMES.join(', ')}, JSON:<key>)`);
    }
    return format;
  };
  const inputKey = `${provider}.input_format`;
  const outputKey = `${provider}.output_format`;
  const input = lookup(inputKey, o.get<string>(inputKey) ?? fallback);
  const outputName = o.get<string>(outputKey);
  const output = outputName === undefined ? input : lookup(outputKey, outputName);
  if (!input || !output) return { problems };
  if ((input.name === 'OPENAI-CHAT') !== (output.name === 'OPENAI-CHAT')) {
    problems.push(`${inputKey} '${input.name}' and ${outputKey} '${output.name}' do not pair: OPENAI-CHAT is both or neither`);
  }
  for (const p of new Set([...input.checkColumns(model.inputs, model.outputs), ...(output === input ? [] : output.checkColumns(model.inputs, model.outputs))])) problems.push(p);
  if (model.inputs.length === 0) problems.push('a model needs at least one INPUT column');
  if (model.outputs.length === 0) problems.push('a model needs at least one OUTPUT column');
  if (problems.length > 0) return { problems };
  return { input, output, model: Object.freeze({ input, output, inputs: model.inputs, outputs: model.outputs }) };
}

/** The chat settings of the LLM formats from the shared generation option names. */
export function chatSettingsOf(model: ModelDefinition): ChatSettings {
  const o = model.options;
  const stop = o.get<string>('stop');
  return Object.freeze({
    systemPrompt: o.get<string>('system-prompt') ?? '',
    temperature: o.get<number>('temperature'),
    topP: o.get<number>('top-p'),
    stop: stop === undefined ? undefined : stop.split(',').filter((s) => s.length > 0),
    maxTokens: o.get<number>('max-tokens'),
  });
}
