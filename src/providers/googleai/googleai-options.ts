import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { EMBEDDING_TASK_TYPES } from '../google/embedding-task-types.js';
import { geminiGenerationOptions } from '../google/gemini-options.js';
import { MODEL_TASKS } from '../model-tasks.js';

/** `batchEmbedContents` takes at most 100 requests (wire-formats §6.4). */
export const GOOGLE_MAX_BATCH = 100;

/**
 * WITH options of the `googleai` provider (Gemini API, generativelanguage.googleapis.com).
 * Canonical keys are Flink-style kebab-case; aliases cover Confluent (`googleai.system_prompt`,
 * `googleai.PARAMS.*`) and snake/camel spellings.
 */
export const GOOGLE_AI_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['googleai.endpoint'],
      description:
        'Model URL: `https://generativelanguage.googleapis.com/v1beta/models/<model>:generateContent`, `:embedContent` or ' +
        '`:batchEmbedContents`, or just `.../models/<model>` with the method taken from `task`. Embeddings always use ' +
        '`:batchEmbedContents` for several rows. May contain `${ENV_NAME}`.',
    },
    {
      key: 'api-key',
      type: { kind: 'string' },
      secret: true,
      aliases: ['apiKey', 'api_key', 'googleai.api_key'],
      description:
        "Gemini API key, sent as the `x-goog-api-key` header (never in the URL). Write `'${ENV_NAME}'` to read it from the environment. " +
        'Unset: Google Application Default Credentials (a service account key file named by `GOOGLE_APPLICATION_CREDENTIALS`, ' +
        'gcloud user credentials, or the metadata server) give an OAuth2 bearer token with the `cloud-platform` and `generative-language` scopes.',
    },
    {
      key: 'task',
      type: { kind: 'enum', values: MODEL_TASKS },
      description:
        'Confluent task. `embedding` calls the embedding methods and needs an ARRAY<FLOAT> output; every other task calls ' +
        '`:generateContent`. Must agree with the endpoint method when both are given.',
    },
    {
      key: 'googleai.input_format',
      type: { kind: 'enum', values: ['GEMINI-GENERATE', 'GEMINI-CHAT'] },
      aliases: ['input-format', 'input_format'],
      description: 'Confluent input format; both values send one user turn to `:generateContent`.',
    },
    {
      key: 'googleai.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION whose `endpoint` and `api-key` the catalog merges into the model's options.",
    },
    ...geminiGenerationOptions('googleai'),
    {
      key: 'dimension',
      type: { kind: 'int', min: 1 },
      aliases: ['dimensions', 'output-dimensionality', 'outputDimensionality'],
      description: 'Embeddings: `outputDimensionality` (gemini-embedding-001: 3072 by default; 1536 and 768 recommended).',
    },
    {
      key: 'embedding-task-type',
      type: { kind: 'enum', values: EMBEDDING_TASK_TYPES },
      aliases: ['task_type', 'taskType', 'googleai.PARAMS.task_type'],
      description: 'Embeddings: `taskType`, e.g. `RETRIEVAL_DOCUMENT` or `SEMANTIC_SIMILARITY`. Unset: the model default.',
    },
    {
      key: 'max-batch-size',
      type: { kind: 'int', min: 1, max: GOOGLE_MAX_BATCH },
      default: String(GOOGLE_MAX_BATCH),
      aliases: ['maxBatchSize'],
      description: 'Embeddings: rows per `:batchEmbedContents` request when concurrent rows are micro-batched (the API takes 100).',
    },
  ]),
});
