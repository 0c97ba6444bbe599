import { parseHttpUrl } from '../parse-http-url.js';

/**
 * A Vertex AI prediction URL (wire-formats §7.1):
 * `https://{region}-aiplatform.googleapis.com/v1/projects/{p}/locations/{region}/publishers/{pub}/models/{m}:{method}`
 * for Google's models, `.../endpoints/{id}:{method}` for a custom deployed model.
 */
export interface VertexEndpoint {
  /** The whole URL, posted to as it is. */
  readonly url: string;
  /** `publishers/google/models/gemini-2.0-flash` or `endpoints/1234`. */
  readonly resource: string;
  readonly target: 'publisher' | 'endpoint';
  /** The model name of a publisher model (`text-embedding-005`); undefined for a custom endpoint. */
  readonly model: string | undefined;
  readonly method: VertexMethod;
}

export type VertexMethod = 'generateContent' | 'predict' | 'embedContent';

const METHODS: Readonly<Record<string, VertexMethod>> = { generatecontent: 'generateContent', predict: 'predict', embedcontent: 'embedContent' };

const PATH = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/(publishers\/[^/]+\/models\/([^/:]+)|endpoints\/([^/:]+)):([A-Za-z]+)$/;

export function parseVertexEndpoint(endpoint: string): VertexEndpoint | { readonly problem: string } {
  const url = parseHttpUrl(endpoint);
  if ('problem' in url) return url;
  const m = PATH.exec(url.pathname);
  if (!m) {
    return {
      problem:
        `endpoint '${endpoint}' is not a Vertex AI prediction URL: .../v1/projects/<project>/locations/<region>/` +
        'publishers/google/models/<model>:generateContent (or :predict, :embedContent), or .../endpoints/<id>:predict',
    };
  }
  const method = METHODS[m[4]!.toLowerCase()];
  if (method === undefined) return { problem: `endpoint method ':${m[4]}' is not supported; use :generateContent, :predict or :embedContent` };
  const model = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  return { url: url.href, resource: decodeURIComponent(m[1]!), target: model === undefined ? 'endpoint' : 'publisher', model, method };
}
