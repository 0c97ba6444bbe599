import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { EMBEDDING_TASK_TYPES } from '../google/embedding-task-types.js';
import { geminiGenerationOptions } from '../google/gemini-options.js';
import { MODEL_TASKS } from '../model-tasks.js';

/** Text embeddings `:predict` takes at most 250 instances (wire-formats §7.2). */
export const VERTEX_EMBED_MAX_BATCH = 250;
/** Custom endpoints: rows per `:predict` by default (Vertex caps a request at 1.5 MB, the container may cap more). */
export const TF_SERVING_DEFAULT_BATCH = 32;

/** Confluent's `vertexai.input_format` values predictd speaks; KSERVE-V1 is TF-SERVING by another name. */
export const VERTEX_INPUT_FORMATS = Object.freeze(['TF-SERVING', 'KSERVE-V1', 'GEMINI-GENERATE', 'GEMINI-CHAT', 'VERTEX-GEMINI', 'VERTEX-EMBED']);

/**
 * WITH options of the `vertexai` provider (Vertex AI online prediction). Canonical keys are
 * Flink-style kebab-case; aliases cover Confluent (`vertexai.service_key`, `vertexai.PARAMS.*`,
 * `vertexai.system_prompt`, CREATE CONNECTION's `service-key`).
 */
export const VERTEX_AI_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['vertexai.endpoint'],
      description:
        'Prediction URL: `https://<region>-aiplatform.googleapis.com/v1/projects/<project>/locations/<region>/publishers/google/models/<model>:generateContent` ' +
        '(Gemini), `.../publishers/google/models/<embedding model>:predict` or `:embedContent` (text embeddings) or `.../endpoints/<id>:predict` (a custom model). May contain `${ENV_NAME}`.',
    },
    {
      key: 'service-key',
      type: { kind: 'string' },
      secret: true,
      aliases: ['service_key', 'vertexai.service_key', 'service-account-json', 'serviceKey'],
      description:
        "The service account key JSON (its whole text; `'${file:/path/key.json}'` reads a file). Its RS256-signed JWT is exchanged at the key's " +
        '`token_uri` for an OAuth2 token (`cloud-platform` scope), cached until 5 minutes before it expires. Unset: Google Application Default ' +
        'Credentials (the key file `GOOGLE_APPLICATION_CREDENTIALS` names, gcloud user credentials, or the metadata server).',
    },
    {
      key: 'task',
      type: { kind: 'enum', values: MODEL_TASKS },
      description: 'Confluent task. `embedding` needs an ARRAY<FLOAT> output and a text embedding model; must agree with the endpoint and input format.',
    },
    {
      key: 'vertexai.input_format',
      type: { kind: 'enum', values: VERTEX_INPUT_FORMATS },
      aliases: ['input-format', 'input_format'],
      description:
        'Confluent input format. Unset: taken from the endpoint — `:generateContent` is `GEMINI-GENERATE`, a publisher model\'s `:predict` ' +
        '`VERTEX-EMBED`, a custom endpoint\'s `:predict` `TF-SERVING` (Confluent\'s default). `GEMINI-CHAT` and `VERTEX-GEMINI` are ' +
        '`GEMINI-GENERATE`; `KSERVE-V1` is `TF-SERVING`.',
    },
    {
      key: 'vertexai.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION (`'type' = 'vertexai'`) whose `endpoint` and `service-key` the catalog merges into the model's options.",
    },
    ...geminiGenerationOptions('vertexai'),
    {
      key: 'dimension',
      type: { kind: 'int', min: 1 },
      aliases: ['dimensions', 'output-dimensionality', 'outputDimensionality'],
      description: 'Text embeddings: `parameters.outputDimensionality`. Unset: the model default.',
    },
    {
      key: 'embedding-task-type',
      type: { kind: 'enum', values: EMBEDDING_TASK_TYPES },
      aliases: ['task_type', 'taskType', 'vertexai.PARAMS.task_type'],
      description: 'Text embeddings: each instance\'s `task_type`, e.g. `RETRIEVAL_DOCUMENT`. Unset: the model default.',
    },
    {
      key: 'max-batch-size',
      type: { kind: 'int', min: 1, max: VERTEX_EMBED_MAX_BATCH },
      aliases: ['maxBatchSize'],
      description:
        `Rows per \`:predict\` request when concurrent rows are micro-batched: text embeddings ${VERTEX_EMBED_MAX_BATCH} when unset (the API's limit; ` +
        `\`gemini-embedding-001\` always 1), custom endpoints ${TF_SERVING_DEFAULT_BATCH}.`,
    },
  ]),
});
