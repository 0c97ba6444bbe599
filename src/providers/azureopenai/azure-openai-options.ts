import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { MODEL_TASKS } from '../model-tasks.js';
import { OPENAI_SPEC } from '../openai/openai-options.js';

/** Azure accepts at most 2048 embedding inputs per request (wire-formats §3.2). */
export const AZURE_MAX_BATCH = 2048;

/**
 * The chat and embedding options mean exactly what they mean for the OpenAI provider (same wire
 * body), so they are taken from its spec with the Confluent prefix switched to `azureopenai.`.
 */
function fromOpenAI(key: string): OptionSpec {
  const opt = OPENAI_SPEC.options.find((o) => o.key === key);
  if (!opt) throw new Error(`OPENAI_SPEC has no option '${key}'`);
  const aliases = (opt.aliases ?? []).map((a) => (a.startsWith('openai.') ? `azure${a}` : a));
  return Object.freeze({ ...opt, aliases: Object.freeze(aliases) });
}

/**
 * WITH options of the `azureopenai` provider. Canonical keys are Flink's (as the OpenAI provider);
 * aliases cover Confluent (`azureopenai.system_prompt`, `azureopenai.PARAMS.*`,
 * `azureopenai.model_version`) and snake/camel spellings.
 */
export const AZURE_OPENAI_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['azureopenai.endpoint'],
      description:
        'Full deployment URL, e.g. `https://<resource>.openai.azure.com/openai/deployments/<deployment>/chat/completions?api-version=2024-10-21`. ' +
        'The suffix picks the task: `/chat/completions` or `/embeddings`; without one the task comes from `task`. ' +
        'Usually inherited from a CONNECTION. May contain `${ENV_NAME}`.',
    },
    {
      key: 'api-key',
      type: { kind: 'string' },
      required: true,
      secret: true,
      aliases: ['apiKey', 'api_key', 'azureopenai.api_key'],
      description: "Azure OpenAI resource key, sent as the `api-key` header. Write `'${ENV_NAME}'` to read it from the daemon's environment.",
    },
    {
      key: 'api-version',
      type: { kind: 'string' },
      aliases: ['apiVersion', 'api_version', 'azureopenai.api_version'],
      description: 'The `api-version` query parameter, when the endpoint does not carry one (the service requires it). The endpoint\'s own value wins.',
    },
    {
      key: 'model',
      type: { kind: 'string' },
      aliases: ['model_version', 'azureopenai.model_version'],
      description: 'Informational: the deployment in the URL picks the model. When set it is sent as `model` (Azure ignores it).',
    },
    {
      key: 'task',
      type: { kind: 'enum', values: MODEL_TASKS },
      description:
        'Confluent task. `embedding`/`embeddings` call `/embeddings`; every other task calls `/chat/completions`. ' +
        'Must agree with the endpoint suffix when both are given; needed only when the endpoint has no suffix, and then unset means ' +
        'embeddings for one ARRAY<FLOAT> (or ARRAY<DOUBLE>) OUTPUT column, else chat.',
    },
    {
      key: 'azureopenai.input_format',
      type: { kind: 'enum', values: ['OPENAI-CHAT', 'OPENAI-EMBED', 'AZURE-EMBED'] },
      description: 'Confluent spelling of the task: `OPENAI-CHAT`, or `OPENAI-EMBED` / `AZURE-EMBED` for embeddings.',
    },
    {
      key: 'azureopenai.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION whose `endpoint` and `api-key` the catalog merges into the model's options.",
    },
    fromOpenAI('system-prompt'),
    fromOpenAI('temperature'),
    fromOpenAI('top-p'),
    fromOpenAI('stop'),
    fromOpenAI('max-tokens'),
    fromOpenAI('presence-penalty'),
    fromOpenAI('n'),
    fromOpenAI('seed'),
    fromOpenAI('response-format'),
    fromOpenAI('response-schema'),
    fromOpenAI('dimension'),
    {
      key: 'max-batch-size',
      type: { kind: 'int', min: 1, max: AZURE_MAX_BATCH },
      default: String(AZURE_MAX_BATCH),
      aliases: ['maxBatchSize'],
      description: 'Embeddings: rows per request when concurrent rows are micro-batched (Azure takes up to 2048 inputs).',
    },
  ]),
});
