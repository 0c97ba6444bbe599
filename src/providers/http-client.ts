import { Agent, type Dispatcher } from 'undici';
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
 * and per-request signals; `Agent.request` costs under 0.05 ms.
 */
export class HttpClient {
  readonly #agent: Agent;

  constructor() {
    // The framework times out every attempt (`client-timeout`) through the signal: no second clock here.
    this.#agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  }

  /**
   * One POST, redirects answered rather than followed (signed requests and key headers must not
   * travel on). The caller's abort (the row's stop, or the per-attempt `client-timeout`) rejects
   * with `signal.reason`; connection failures become transient ModelCallErrors with `redact`
   * applied. Any HTTP status is returned for the provider to classify.
   */
  async post(
    url: string,
    init: { readonly headers: Record<string, string>; readonly body: string },
    opts: { readonly signal: AbortSignal; readonly redact: (text: string) => string },
  ): Promise<HttpAnswer> {
    try {
      const { origin, pathname, search } = new URL(url);
      const res: Dispatcher.ResponseData = await this.#agent.request({
        origin,
        path: pathname + search,
        method: 'POST',
        headers: init.headers,
        body: init.body,
        signal: opts.signal,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: new AnswerHeaders(res.headers), text };
    } catch (err) {
      if (opts.signal.aborted) throw opts.signal.reason;
      throw new ModelCallError('transient', opts.redact(`connection error: ${causeChain(err)}`));
    }
  }

  /** Closes the pooled connections; requests still running are aborted. Idempotent. */
  async close(): Promise<void> {
    if (this.#agent.closed || this.#agent.destroyed) return;
    await this.#agent.destroy();
  }
}
