import type { Agent, Dispatcher } from 'undici';
import { ModelCallError } from '../spi/model-provider.js';
import { causeChain } from './cause-chain.js';

type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** An answer's headers as the error mappers read them: names lower-case, as undici delivers them. */
export class AnswerHeaders {
  #raw: RawHeaders | undefined;
  readonly #parse: (() => RawHeaders) | undefined;

  /** `raw` parsed already, or a parser run on first use: most answers are 2xx whose headers nobody reads. */
  constructor(raw: RawHeaders | (() => RawHeaders)) {
    if (typeof raw === 'function') this.#parse = raw;
    else this.#raw = raw;
  }

  /** Repeated headers joined with ', ', as fetch's Headers does. */
  get(name: string): string | null {
    const v = this.#headers()[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, v] of Object.entries(this.#headers())) {
      if (v === undefined) continue;
      if (typeof v === 'string') fn(v, name);
      else for (const one of v) fn(one, name);
    }
  }

  #headers(): RawHeaders {
    this.#raw ??= this.#parse!();
    return this.#raw;
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
 * 0.035 ms (`Agent.request`, which wraps the body in a Readable, about 0.05 ms). The handler
 * implements undici's own callbacks (onConnect, onHeaders, onData, onComplete, onError): the
 * newer onRequestStart/onResponse* interface is adapted onto them per request by an
 * UnwrapHandler and its controller, which also parse every answer's headers and trailers into
 * objects that a 2xx answer never needs.
 */
export class HttpClient {
  #agent: Agent | undefined;
  #parseHeaders: ((raw: Buffer[]) => RawHeaders) | undefined;
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
    const parseHeaders = this.#parseHeaders!;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const handler = new PostHandler(signal, redact, parseHeaders, resolve, reject);
      try {
        agent.dispatch({ origin, path, method: 'POST', headers: init.headers, body: init.body }, handler);
      } catch (err) {
        handler.onError(err as Error);
      }
    });
  }

  /** Loads the transport now (see ModelClient.prepare): the first request then leaves as soon as it is admitted. */
  prepare(): Promise<void> {
    if (this.#agent) return Promise.resolve();
    return this.#start().then(() => undefined);
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
    this.#starting ??= import('undici').then(({ Agent, util }) => {
      this.#parseHeaders = (raw) => util.parseHeaders(raw);
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

/**
 * Collects one answer: status, raw headers (parsed only if read) and body chunks. It is also the
 * abort listener of the caller's signal (handleEvent), so a request allocates no closures.
 */
class PostHandler implements Dispatcher.DispatchHandler {
  readonly #signal: AbortSignal;
  readonly #redact: (text: string) => string;
  readonly #parseHeaders: (raw: Buffer[]) => RawHeaders;
  readonly #resolve: (answer: HttpAnswer) => void;
  readonly #reject: (err: unknown) => void;
  #abort: ((err?: Error) => void) | undefined;
  #status = 0;
  #rawHeaders: Buffer[] = [];
  #chunks: Buffer[] = [];
  #settled = false;

  constructor(
    signal: AbortSignal,
    redact: (text: string) => string,
    parseHeaders: (raw: Buffer[]) => RawHeaders,
    resolve: (answer: HttpAnswer) => void,
    reject: (err: unknown) => void,
  ) {
    this.#signal = signal;
    this.#redact = redact;
    this.#parseHeaders = parseHeaders;
    this.#resolve = resolve;
    this.#reject = reject;
    signal.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted: the request is aborted and the call rejects with the reason. */
  handleEvent(): void {
    this.#abort?.(this.#signal.reason);
    this.#fail(this.#signal.reason);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    // Aborted while it waited for a connection.
    if (this.#signal.aborted) abort(this.#signal.reason);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.#status = statusCode;
    this.#rawHeaders = rawHeaders;
    this.#chunks = [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#signal.removeEventListener('abort', this);
    const chunks = this.#chunks;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const raw = this.#rawHeaders;
    const parse = this.#parseHeaders;
    this.#resolve({ status: this.#status, headers: new AnswerHeaders(() => parse(raw)), text });
  }

  onError(err: Error): void {
    this.#fail(this.#signal.aborted ? this.#signal.reason : connectionError(err, this.#redact));
  }

  #fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#signal.removeEventListener('abort', this);
    this.#reject(err);
  }
}

function connectionError(err: unknown, redact: (text: string) => string): ModelCallError {
  return new ModelCallError('transient', redact(`connection error: ${causeChain(err)}`));
}
