import type { ModelDefinition } from '../../spi/model-provider.js';

/**
 * The OpenAI-wire sampling and embedding options as the clients send them: read once here for
 * the OpenAI-compatible providers and for Azure OpenAI, which share the body format.
 */
export function generationSettings(model: ModelDefinition) {
  const o = model.options;
  const stop = o.get<string>('stop');
  return {
    temperature: o.get<number>('temperature'),
    topP: o.get<number>('top-p'),
    stop: stop === undefined ? undefined : stop.split(',').filter((s) => s.length > 0),
    maxTokens: o.get<number>('max-tokens'),
    presencePenalty: o.get<number>('presence-penalty'),
    n: o.get<number>('n'),
    seed: o.get<number>('seed'),
    dimension: o.get<number>('dimension'),
  };
}
