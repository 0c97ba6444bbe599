import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { MODEL_TASKS } from '../model-tasks.js';
import { openAIChatFormatOptions } from '../tabular/openai-chat-options.js';
import { TABULAR_FORMAT_NAMES } from '../tabular/tabular-formats.js';

/** Confluent's default input format for Azure ML. */
export const DEFAULT_AZUREML_FORMAT = 'AZUREML-PANDAS-DATAFRAME';
/** The routing header that sends a request to one deployment, past the endpoint's traffic split (wire-formats §8). */
export const DEPLOYMENT_HEADER = 'azureml-model-deployment';

const FORMAT_LIST = `${TABULAR_FORMAT_NAMES.map((n) => `\`${n}\``).join(', ')} or \`JSON:<key>\``;

/**
 * WITH options of the `azureml` provider: Azure Machine Learning managed online endpoints
 * (predictive models behind a scoring URI) and Azure AI Foundry pay-as-you-go endpoints
 * (`OPENAI-CHAT`). Confluent spellings (`azureml.*`) are canonical where Confluent has the
 * option; the key is `api-key`, as CREATE CONNECTION writes it.
 */
export const AZUREML_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['azureml.endpoint'],
      description:
        'The scoring URI, e.g. `https://<endpoint>.<region>.inference.ml.azure.com/score`; for `OPENAI-CHAT` the AI Foundry ' +
        'endpoint, e.g. `https://<deployment>.<region>.inference.ai.azure.com/v1/chat/completions` (`/chat/completions` is ' +
        'added when the URL does not end in it). Usually inherited from a CONNECTION. May contain `${ENV_NAME}`.',
    },
    {
      key: 'api-key',
      type: { kind: 'string' },
      required: true,
      secret: true,
      aliases: ['apiKey', 'api_key', 'azureml.api_key'],
      description: 'The endpoint key (`az ml online-endpoint get-credentials`) or an `aml_token` / Entra token, sent as `Authorization: Bearer`.',
    },
    {
      key: 'azureml.deployment_name',
      type: { kind: 'string' },
      aliases: ['deployment_name', 'deployment-name'],
      description: 'Sends every request to this deployment (header `azureml-model-deployment`), past the endpoint\'s traffic split. Unset: the split decides.',
    },
    {
      key: 'task',
      type: { kind: 'enum', values: MODEL_TASKS },
      description: 'Confluent task; informational for the tabular formats. `OPENAI-CHAT` needs a text task.',
    },
    {
      key: 'azureml.input_format',
      type: { kind: 'string' },
      default: DEFAULT_AZUREML_FORMAT,
      aliases: ['input-format', 'input_format'],
      description:
        `How the INPUT columns become the request body: ${FORMAT_LIST} (see "Tabular formats"). ` +
        '`OPENAI-CHAT` is for AI Foundry chat models (one STRING in, one STRING out).',
    },
    {
      key: 'azureml.output_format',
      type: { kind: 'string' },
      aliases: ['output-format', 'output_format'],
      description: 'How the answer becomes the OUTPUT columns; the same names. Default: the input format.',
    },
    {
      key: 'azureml.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION whose `endpoint` and `api-key` the catalog merges into the model's options.",
    },
    {
      key: 'max-batch-size',
      type: { kind: 'int', min: 1, max: 1000 },
      default: '1',
      aliases: ['maxBatchSize', 'azureml.max_batch_size'],
      description:
        'Rows per scoring request for formats that carry several (the DataFrame and tensor formats, CSV, TF-SERVING, TRITON). ' +
        '1 (the default) sends each row alone, as Confluent does.',
    },
    {
      key: 'model',
      type: { kind: 'string' },
      aliases: ['model_version', 'azureml.model_version'],
      description: 'OPENAI-CHAT: sent as `model` (serverless endpoints serve one model and ignore it). Unset: not sent.',
    },
    ...openAIChatFormatOptions('azureml'),
  ]),
});
