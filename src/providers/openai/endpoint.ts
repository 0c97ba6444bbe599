import { parseHttpUrl } from '../parse-http-url.js';

export type OpenAITask = 'chat' | 'embeddings';

export interface ParsedEndpoint {
  /** Endpoint without the task suffix and trailing '/', e.g. https://api.openai.com/v1 */
  readonly baseURL: string;
  /** The task the suffix names, if any. */
  readonly task: OpenAITask | undefined;
  /** Query parameters of the endpoint, sent with every request. */
  readonly query: Readonly<Record<string, string>>;
}

const SUFFIXES: readonly (readonly [string, OpenAITask])[] = [
  ['/chat/completions', 'chat'],
  ['/embeddings', 'embeddings'],
];

const TASK_NAMES: Readonly<Record<string, OpenAITask>> = {
  chat: 'chat',
  text_generation: 'chat',
  classification: 'chat',
  embedding: 'embeddings',
  embeddings: 'embeddings',
  'openai-chat': 'chat',
  'openai-embed': 'embeddings',
};

/** As Flink's OpenAI provider: the suffix is matched lower-cased with trailing '/' stripped. */
export function parseEndpoint(endpoint: string): ParsedEndpoint | { readonly problem: string } {
  const url = parseHttpUrl(endpoint);
  if ('problem' in url) return url;
  let path = url.pathname.replace(/\/+$/, '');
  let task: OpenAITask | undefined;
  for (const [suffix, t] of SUFFIXES) {
    if (path.toLowerCase().endsWith(suffix)) {
      path = path.slice(0, -suffix.length);
      task = t;
      break;
    }
  }
  return { baseURL: `${url.origin}${path}`, task, query: Object.fromEntries(url.searchParams) };
}

/**
 * The task of a model: the endpoint suffix, else `task` / `openai.input_format`, else the one its
 * OUTPUT columns ask for (`byOutput`, see taskByOutput): a base URL such as DashScope's
 * `.../compatible-mode/v1` serves both tasks, and Flink's Qwen provider registers an embedding
 * model there with no `task`.
 */
export function resolveTask(
  endpointTask: OpenAITask | undefined,
  taskOption: string | undefined,
  inputFormat: string | undefined,
  byOutput: OpenAITask,
): OpenAITask | { readonly problem: string } {
  const declaredBy = taskOption !== undefined ? `task '${taskOption}'` : inputFormat !== undefined ? `openai.input_format '${inputFormat}'` : undefined;
  const declaredName = taskOption ?? inputFormat;
  const declared = declaredName !== undefined ? TASK_NAMES[declaredName.toLowerCase()] : undefined;
  if (declaredName !== undefined && declared === undefined) return { problem: `${declaredBy} is not a task this provider serves` };
  if (endpointTask && declared && endpointTask !== declared) {
    return { problem: `${declaredBy} contradicts the endpoint, which ends in the ${endpointTask === 'chat' ? '/chat/completions' : '/embeddings'} path` };
  }
  return endpointTask ?? declared ?? byOutput;
}
