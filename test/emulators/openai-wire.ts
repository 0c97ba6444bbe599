import { tokens, textOf } from './emulator-server.js';

/** OpenAI error bodies and the request checks of provider-wire-formats.md §1 (used by openai-emulator.ts). */

export interface ChatMessage {
  readonly role: string;
  readonly content: unknown;
}

export type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

export function errorBody(message: string, type: string, param: string | null, code: string | null): ErrorBody {
  return { error: { message, type, param, code } };
}

export function rateLimitBody(model: string, type: 'requests' | 'tokens', waitMs: number, rl?: { readonly requests: number }): ErrorBody {
  const limit = rl ? `Limit ${rl.requests}, Used ${rl.requests}, Requested 1. ` : '';
  return errorBody(
    `Rate limit reached for ${model} in organization org-emulator on requests per min (RPM): ${limit}Please try again in ${waitMs}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    type,
    null,
    'rate_limit_exceeded',
  );
}

export function defaultFailureBody(status: number): ErrorBody {
  if (status === 429) {
    return errorBody('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', null, 'insufficient_quota');
  }
  if (status === 503) return errorBody('The engine is currently overloaded, please try again later', 'server_error', null, null);
  if (status >= 500) return errorBody('The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
  return errorBody(`Scripted failure with status ${status}`, 'invalid_request_error', null, null);
}

/** undefined when `Authorization: Bearer <key>` names one of `keys`, else the 401 body. */
export function checkBearer(keys: readonly string[], header: string | undefined): ErrorBody | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) {
    return errorBody(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      'invalid_request_error',
      null,
      null,
    );
  }
  const key = m[1]!.trim();
  if (keys.includes(key)) return undefined;
  const masked = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}` : '****';
  return errorBody(
    `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const EMBEDDING_KEYS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

export function validateChat(b: Record<string, unknown>, dashscope: boolean): ErrorBody | undefined {
  if (typeof b['model'] !== 'string' || b['model'] === '') {
    return errorBody('you must provide a model parameter', 'invalid_request_error', null, null);
  }
  const messages = b['messages'];
  if (messages === undefined) return errorBody("Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) return errorBody("Invalid type for 'messages': expected an array of objects.", 'invalid_request_error', 'messages', 'invalid_type');
  if (messages.length === 0) {
    return errorBody(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'invalid_request_error',
      'messages',
      'empty_array',
    );
  }
  for (const [i, m] of messages.entries()) {
    const msg = m as Partial<ChatMessage> | null;
    if (!msg || typeof msg !== 'object' || typeof msg.role !== 'string' || !CHAT_ROLES.has(msg.role)) {
      return errorBody(`Invalid value for 'messages[${i}].role'.`, 'invalid_request_error', `messages.[${i}].role`, 'invalid_value');
    }
    if (msg.role !== 'assistant' && (msg.content === undefined || msg.content === null)) {
      return errorBody(`Invalid value for 'content': expected a string, got null.`, 'invalid_request_error', `messages.[${i}].content`, null);
    }
  }
  const range = (key: string, min: number, max: number, integer = false): ErrorBody | undefined => {
    const v = b[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || (integer && !Number.isInteger(v))) {
      return errorBody(`Invalid type for '${key}': expected ${integer ? 'an integer' : 'a decimal'}.`, 'invalid_request_error', key, 'invalid_type');
    }
    if (v < min) return errorBody(`Invalid '${key}': ${integer ? 'integer' : 'decimal'} below minimum value. Expected a value >= ${min}, but got ${v} instead.`, 'invalid_request_error', key, `${integer ? 'integer' : 'decimal'}_below_min_value`);
    if (v > max) return errorBody(`Invalid '${key}': ${integer ? 'integer' : 'decimal'} above maximum value. Expected a value <= ${max}, but got ${v} instead.`, 'invalid_request_error', key, `${integer ? 'integer' : 'decimal'}_above_max_value`);
    return undefined;
  };
  const problem =
    range('n', 1, dashscope ? 4 : 128, true) ??
    range('temperature', 0, 2) ??
    range('top_p', 0, 1) ??
    range('presence_penalty', -2, 2) ??
    range('frequency_penalty', -2, 2) ??
    range('max_tokens', 1, Number.MAX_SAFE_INTEGER, true) ??
    range('max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (problem) return problem;
  const stop = b['stop'];
  if (Array.isArray(stop) && stop.length > 4) {
    return errorBody(
      `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${stop.length} instead.`,
      'invalid_request_error',
      'stop',
      'array_above_max_length',
    );
  }
  const format = b['response_format'] as { type?: unknown } | undefined;
  if (format !== undefined) {
    if (!format || typeof format !== 'object' || !['text', 'json_object', 'json_schema'].includes(String(format.type))) {
      return errorBody("Invalid value for 'response_format.type'.", 'invalid_request_error', 'response_format.type', 'invalid_value');
    }
    const mentionsJson = (messages as ChatMessage[]).some((m) => textOf(m.content).toLowerCase().includes('json'));
    if (format.type === 'json_object' && !mentionsJson) {
      return errorBody(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'invalid_request_error',
        'messages',
        null,
      );
    }
  }
  return undefined;
}

export function validateEmbeddings(b: Record<string, unknown>, dashscope: boolean): ErrorBody | undefined {
  for (const key of Object.keys(b)) {
    if (!EMBEDDING_KEYS.has(key)) return errorBody(`Unrecognized request argument supplied: ${key}`, 'invalid_request_error', null, null);
  }
  if (typeof b['model'] !== 'string' || b['model'] === '') return errorBody('you must provide a model parameter', 'invalid_request_error', null, null);
  const badInput = errorBody("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error', null, null);
  const input = b['input'];
  const list = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (!list || list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) return badInput;
  if (dashscope && list.length > 10) {
    return {
      error: {
        message: '<400> InternalError.Algo.InvalidParameter: Value error, batch size is invalid, it should not be larger than 10.: input.contents',
        type: 'InvalidParameter',
        param: null,
        code: 'InvalidParameter',
      },
    };
  }
  if (list.length > 2048) return badInput;
  if (list.reduce((sum, s) => sum + tokens(s as string), 0) > 300_000) {
    return errorBody('Requested 300001 tokens, max 300000 tokens per request', 'max_tokens_per_request', 'input', 'max_tokens_per_request');
  }
  const format = b['encoding_format'];
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    return errorBody(`Invalid value for 'encoding_format': expected 'float' or 'base64'.`, 'invalid_request_error', 'encoding_format', 'invalid_value');
  }
  const dims = b['dimensions'];
  if (dims !== undefined) {
    if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1) {
      return errorBody("Invalid 'dimensions': integer below minimum value.", 'invalid_request_error', 'dimensions', 'integer_below_min_value');
    }
    if (b['model'] === 'text-embedding-ada-002') return errorBody('This model does not support specifying dimensions.', 'invalid_request_error', null, null);
  }
  return undefined;
}
