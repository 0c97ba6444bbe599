import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';

export const LOCAL_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'task',
      type: { kind: 'enum', values: ['sentiment', 'classification', 'embedding', 'embeddings'] },
      default: 'sentiment',
      description:
        '`sentiment` / `classification`: label each row `positive`, `negative` or `neutral` with the AFINN-165 lexicon ' +
        '(an optional second DOUBLE output column receives a score in (-1, 1)). `embedding`: a deterministic hashing-trick vector.',
    },
    {
      key: 'dimension',
      type: { kind: 'int', min: 1, max: 65_536 },
      default: '256',
      aliases: ['dimensions'],
      description: 'Embedding: vector length.',
    },
    {
      key: 'neutral-threshold',
      type: { kind: 'double', min: 0 },
      default: '1.5',
      description: 'Sentiment: a lexicon score whose magnitude is below this is `neutral` (one word like "good" scores 3).',
    },
    {
      key: 'latency',
      type: { kind: 'duration' },
      default: '0ms',
      description: 'Simulated model latency per call, for demos and load tests.',
    },
  ]),
});
