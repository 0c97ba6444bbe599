import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { DEFAULT_EXPECTED_COMPLETION_TOKENS } from '../token-estimate.js';

export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant.';

/**
 * WITH options of the OpenAI-wire providers (openai, openai-compat, bailian, qwen, deepseek).
 * Canonical keys are Flink's; aliases cover VVR (`apiKey`, `systemPrompt`), VVR's Python
 * provider (`api_key`, `system_prompt`), the Flink 2.1 post (`openai.api_key`) and Confluent
 * (`openai.model_version`, `openai.system_prompt`, `openai.PARAMS.*`).
 */
export const OPENAI_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['openai.endpoint'],
      description:
        'Full URL. The suffix picks the task: `.../chat/completions` (chat) or `.../embeddings` (embeddings); the base URL is the ' +
        'endpoint without it. A base URL without suffix (e.g. `https://api.deepseek.com/v1`, `https://dashscope.aliyuncs.com/compatible-mode/v1`) takes the task from `task`, else from OUTPUT. May contain `${ENV_NAME}`.',
    },
    {
      key: 'api-key',
      type: { kind: 'string' },
      required: true,
      secret: true,
      aliases: ['apiKey', 'api_key', 'openai.api_key'],
      description: "Bearer key. Write `'${ENV_NAME}'` to read it from the daemon's environment. Never logged.",
    },
    {
      key: 'model',
      type: { kind: 'string' },
      required: true,
      aliases: ['openai.model_version'],
      description: 'Model name sent in the request, e.g. `gpt-4o-mini`, `qwen-turbo`, `text-embedding-3-small`.',
    },
    {
      key: 'task',
      type: { kind: 'enum', values: ['chat', 'text_generation', 'classification', 'embedding', 'embeddings'] },
      description:
        'Used when the endpoint has no task suffix: `chat`, `text_generation` and `classification` call chat completions; ' +
        '`embedding`/`embeddings` call embeddings. Unset: embeddings when OUTPUT is one ARRAY<FLOAT> (or ARRAY<DOUBLE>) column, else chat. ' +
        'Must agree with the endpoint suffix when both are given.',
    },
    {
      key: 'openai.input_format',
      type: { kind: 'enum', values: ['OPENAI-CHAT', 'OPENAI-EMBED'] },
      description: 'Confluent spelling of the task: `OPENAI-CHAT` or `OPENAI-EMBED`.',
    },
    {
      key: 'openai.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION whose `endpoint` and `api-key` the catalog merges into the model's options.",
    },
    {
      key: 'system-prompt',
      type: { kind: 'string' },
      default: DEFAULT_SYSTEM_PROMPT,
      aliases: ['systemPrompt', 'system_prompt', 'openai.system_prompt'],
      description: 'Chat: the system message sent before each row. Empty: no system message.',
    },
    {
      key: 'temperature',
      type: { kind: 'double', min: 0, max: 2 },
      aliases: ['openai.PARAMS.temperature'],
      description: 'Chat: sampling temperature, 0..2.',
    },
    {
      key: 'top-p',
      type: { kind: 'double', min: 0, max: 1 },
      aliases: ['topP', 'top_p', 'openai.PARAMS.top_p'],
      description: 'Chat: nucleus sampling probability mass, 0..1.',
    },
    {
      key: 'stop',
      type: { kind: 'string' },
      aliases: ['openai.PARAMS.stop'],
      description: "Chat: stop sequences, comma-separated (as Flink: split on ',').",
    },
    {
      key: 'max-tokens',
      type: { kind: 'int', min: 1 },
      aliases: ['maxTokens', 'max_tokens', 'openai.PARAMS.max_tokens'],
      description:
        `Chat: completion token limit, sent as \`max_tokens\`. Also the completion part of the token estimate (${DEFAULT_EXPECTED_COMPLETION_TOKENS} when unset). ` +
        'Embeddings: the most tokens of one row (as Flink\'s Qwen provider; text-embedding-v4 takes 8,192), not sent: a longer text is cut at the tail ' +
        'before the request, counted by an estimate that errs towards cutting (ASCII 4 characters a token, any other character one), and the first cut is logged.',
    },
    {
      key: 'presence-penalty',
      type: { kind: 'double', min: -2, max: 2 },
      aliases: ['presencePenalty', 'presence_penalty'],
      description: 'Chat: presence penalty, -2..2.',
    },
    {
      key: 'n',
      type: { kind: 'int', min: 1, max: 128 },
      description: 'Chat: completions per row; each choice becomes one output row (n > 1 multiplies rows and cost).',
    },
    {
      key: 'seed',
      type: { kind: 'int' },
      description: 'Chat: sampling seed, for best-effort determinism.',
    },
    {
      key: 'response-format',
      type: { kind: 'enum', values: ['text', 'json_object', 'json_schema'] },
      aliases: ['responseFormat', 'response_format'],
      description:
        'Chat: `json_object` asks for JSON (the prompt must mention JSON, or the server answers 400). `json_schema` asks for typed ' +
        'structured output: the JSON Schema derived from the OUTPUT columns (or `response-schema`) is sent as ' +
        '`response_format: {type: json_schema, json_schema: {name, strict: true, schema}}` and each answer is validated into the ' +
        'typed columns. Several OUTPUT columns imply `json_schema`.',
    },
    {
      key: 'response-schema',
      type: { kind: 'string' },
      aliases: ['responseSchema', 'response_schema'],
      description:
        'Chat, structured output: a JSON Schema object sent instead of the one derived from the OUTPUT columns (e.g. to add ' +
        '`description`s or `enum`s); its properties must be exactly the OUTPUT columns. Answers are still validated against the columns.',
    },
    {
      key: 'dimension',
      type: { kind: 'int', min: 1 },
      aliases: ['dimensions'],
      description: 'Embeddings: output dimensions, sent as `dimensions` (text-embedding-3, text-embedding-v3/v4). Unset: the model default.',
    },
    {
      key: 'max-batch-size',
      type: { kind: 'int', min: 1, max: 2048 },
      aliases: ['maxBatchSize'],
      description: 'Embeddings: rows per request when concurrent rows are micro-batched. Default 2048, 10 for DashScope (bailian, qwen).',
    },
    {
      key: 'extra-body',
      type: { kind: 'string' },
      aliases: ['extraBody', 'extra_body'],
      description:
        'A JSON object merged into every request body, for provider extensions such as DashScope `{"enable_thinking": false}`.',
    },
  ]),
});
