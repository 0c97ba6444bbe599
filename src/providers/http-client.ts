import type { IncomingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { ModelCallError } from '../spi/model-provider.js';
import { causeChain } from './cause-chain.js';

/** An answer's headers as the error mappers read them: names lower-case, as undici delivers them. */
export class AnswerHeaders {
  readonly #raw: Readonly<Record<string, string | string[] | undefined>>;

  constructor(raw: Readonly<Record<string, string | string[] | undefined>>) {
    this.#raw = raw;
  }

  /** Repeated headers joined with ', ', as fetch's Headers does. */
  get(name: string): string | null {
    const v = this.#raw[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, v] of Object.entries(this.#raw)) {
      if (v === undefined) continue;
      if (typeof v === 'string') fn(v, name);
      else for (const one of v) fn(one, name);
    }
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly text: string;
}

/**
 * The HTTP transport of the remote providers: one undici Agent per model client, whose keep-alive
 * pool per origin grows to the calls in flight and no further (the in-flight window bounds it).
 * `fetch` and the openai SDK cost 0.4-0.6 ms CPU per request in WHATWG streams, Request objects
 * and per-request signals; `Agent.dispatch` with a handler that collects the body costs about
 * 0.035 ms (`Agent.request`, which wraps the body in a Readable, about 0.05 ms).
 */
export class HttpClient {
  #agent: Agent | undefined;
  #starting: Promise<Agent> | undefined;
  #closed = false;
  #target: { readonly url: string; readonly origin: string; readonly path: string } | undefined;

  /**
   * One POST, redirects answered rather than followed (signed requests and key headers must not
   * travel on). The caller's abort (the row's stop, or the per-attempt `client-timeout`) rejects
   * with `signal.reason`; connection failures become transient ModelCallErrors with `redact`
   * applied. Any HTTP status is returned for the provider to classify. There is no transport
   * timeout: the framework times every attempt out through the signal.
   */
  post(
    url: string,
    init: { readonly headers: Record<string, string>; readonly body: string },
    opts: { readonly signal: AbortSignal; readonly redact: (text: string) => string },
  ): Promise<HttpAnswer> {
    const { signal, redact } = opts;
    if (signal.aborted) return Promise.reject(signal.reason);
    const agent = this.#agent;
    if (!agent) return this.#start().then(() => this.post(url, init, opts), (err: unknown) => Promise.reject(connectionError(err, redact)));
    const { origin, path } = this.#targetOf(url);
    return new Promise<HttpAnswer>((resolve, reject) => {
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      let chunks: Buffer[] = [];
      const onAbort = () => {
        controller?.abort(signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal.removeEventListener('abort', onAbort);
      try {
        agent.dispatch(
          { origin, path, method: 'POST', headers: init.headers, body: init.body },
          {
            onRequestStart: (c) => {
              controller = c;
              // Aborted while it waited for a connection.
              if (signal.aborted) c.abort(signal.reason);
            },
            onResponseStart: (_c, statusCode, h) => {
              status = statusCode;
              headers = h;
              chunks = [];
            },
            onResponseData: (_c, chunk) => {
              chunks.push(chunk);
            },
            onResponseEnd: () => {
              settle();
              resolve({ status, headers: new AnswerHeaders(headers), text: Buffer.concat(chunks).toString('utf8') });
            },
            onResponseError: (_c, err) => {
              settle();
              reject(signal.aborted ? signal.reason : connectionError(err, redact));
            },
          },
        );
      } catch (err) {
        settle();
        reject(connectionError(err, redact));
      }
    });
  }

  /** Closes the pooled connections; requests still running are aborted. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const agent = this.#agent ?? (await this.#starting?.catch(() => undefined));
    if (agent && !agent.destroyed) await agent.destroy();
  }

  /** undici (about 20 MB resident) loads with a model's first request, not with every daemon. */
  #start(): Promise<Agent> {
    if (this.#closed) return Promise.reject(new Error('the HTTP client is closed'));
    this.#starting ??= import('undici').then(({ Agent }) => {
      // The framework times out every attempt (`client-timeout`) through the signal: no second clock here.
      this.#agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
      return this.#agent;
    });
    return this.#starting;
  }

  /** A client posts to one URL (or a few): parsed once, not per request. */
  #targetOf(url: string): { readonly origin: string; readonly path: string } {
    if (this.#target?.url !== url) {
      const { origin, pathname, search } = new URL(url);
      this.#target = { url, origin, path: pathname + search };
    }
    return this.#target;
  }
}

function connectionError(err: unknown, redact: (text: string) => string): ModelCallError {
  return new ModelCallError('transient', redact(`connection error: ${causeChain(err)}`));
}
