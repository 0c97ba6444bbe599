import { parseHttpUrl } from '../parse-http-url.js';

export type GoogleTask = 'generate' | 'embed';

export interface GoogleEndpoint {
  /** Everything before the model, e.g. https://generativelanguage.googleapis.com/v1beta */
  readonly base: string;
  /** The resource name, `models/gemini-2.0-flash` or `tunedModels/x`. */
  readonly model: string;
  /** The task the method names, if the endpoint has one. */
  readonly task: GoogleTask | undefined;
}

const METHODS: Readonly<Record<string, GoogleTask>> = {
  generatecontent: 'generate',
  embedcontent: 'embed',
  batchembedcontents: 'embed',
};

/** `…/{v1beta|v1|v1alpha}/models/{model}[:method]`; the method picks the task. */
export function parseGoogleEndpoint(endpoint: string): GoogleEndpoint | { readonly problem: string } {
  const url = parseHttpUrl(endpoint);
  if ('problem' in url) return url;
  // The key belongs in api-key: a URL is printed in logs and errors, an option marked secret is not.
  if (url.searchParams.has('key')) return { problem: "the endpoint carries '?key=': put the API key in option 'api-key' instead" };
  const m = /^(.*?)\/((?:models|tunedModels)\/[^/:]+)(?::([A-Za-z]+))?\/?$/.exec(url.pathname);
  if (!m) return { problem: `endpoint '${endpoint}' must name a model: .../v1beta/models/<model>:generateContent (or :embedContent)` };
  const method = m[3];
  let task: GoogleTask | undefined;
  if (method !== undefined) {
    task = METHODS[method.toLowerCase()];
    if (task === undefined) return { problem: `endpoint method ':${method}' is not supported; use :generateContent, :embedContent or :batchEmbedContents` };
  }
  return { base: `${url.origin}${m[1]}`, model: decodeURIComponent(m[2]!), task };
}
