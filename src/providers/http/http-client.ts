import { ModelCallError } from '../../spi/model-provider.js';
import { causeChain } from '../cause-chain.js';
import { Http1Connection, type Exchange, type Origin } from './http1-connection.js';
import { parseFields, type AnswerFields, type ParsedAnswer } from './response-parser.js';

/** An answer's headers as the error mappers read them: names lower-case. */
export class AnswerHeaders {
  #fields: AnswerFields | undefined;
  readonly #head: string;

  /** Parsed on first use: most answers are 2xx whose headers nobody reads. */
  constructor(head: string) {
    this.#head = head;
  }

  /** Repeated headers joined with ', ', as fetch's Headers does. */
  get(name: string): string | null {
    const v = this.#parsed()[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, v] of Object.entries(this.#parsed())) {
      if (typeof v === 'string') fn(v, name);
      else for (const one of v) fn(one, name);
    }
  }

  #parsed(): AnswerFields {
    this.#fields ??= parseFields(this.#head);
    return this.#fields;
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly text: string;
}

/** A field name (RFC 9110 token) and a value of visible ASCII, spaces and tabs: nothing that could end the line. */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
/** Fields the client writes itself. */
const OWN_FIELDS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** Where a client posts: parsed once per URL, not per request. */
interface Target {
  readonly url: string;
  readonly pool: OriginPool;
  /** The request line and `host`, ready for the caller's fields. */
  readonly start: string;
}

/**
 * The HTTP transport of the remote providers: POSTs over keep-alive HTTP/1.1 connections, a pool
 * per origin that grows to the calls in flight and no further (the in-flight window bounds it).
 * Each request is one string written in one write; each answer is framed by ResponseParser. This
 * replaced undici's Agent, which cost about 85 µs of CPU per request on the 2-core bench machine
 * against about 40 µs here (P2); fetch and the openai SDK had cost 0.4-0.6 ms.
 */
export class HttpClient {
  readonly #pools = new Map<string, OriginPool>();
  #target: Target | undefined;
  /**
   * The last fields object seen and its lines: a client sends the same object on every request.
   * A fields object is read once, so new values come in a new object, never by changing one sent.
   */
  #fields: Readonly<Record<string, string>> | undefined;
  #fieldLines = '';
  #closed = false;

  /**
   * One POST, redirects answered rather than followed (signed requests and key headers must not
   * travel on). The caller's abort (the row's stop, or the per-attempt `client-timeout`) rejects
   * with `signal.reason` and closes the request's connection; connection failures become
   * transient ModelCallErrors with `redact` applied. Any HTTP status is returned for the provider
   * to classify. There is no transport timeout: the framework times every attempt out through the
   * signal.
   */
  post(
    url: string,
    init: { readonly headers: Record<string, string>; readonly body: string },
    opts: { readonly signal: AbortSignal; readonly redact: (text: string) => string },
  ): Promise<HttpAnswer> {
    const { signal, redact } = opts;
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(connectionError(new Error('the HTTP client is closed'), redact));
    let request: string;
    let pool: OriginPool;
    try {
      const target = this.#targetOf(url);
      pool = target.pool;
      request = `${target.start}${this.#linesOf(init.headers)}content-length: ${Buffer.byteLength(init.body)}\r\n\r\n${init.body}`;
    } catch (err) {
      return Promise.reject(new ModelCallError('fatal', redact(`cannot send the request: ${(err as Error).message}`)));
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
      const post = new PostExchange(signal, redact, resolve, reject);
      const connection = pool.acquire();
      post.connection = connection;
      connection.send(request, post);
    });
  }

  /** Closes the pooled connections; requests still running fail. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }

  #targetOf(url: string): Target {
    if (this.#target?.url === url) return this.#target;
    const { protocol, hostname, port, host, pathname, search } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`${protocol} URLs are not HTTP`);
    const secure = protocol === 'https:';
    const key = `${protocol}//${host}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      // URL.hostname keeps an IPv6 literal's brackets, which a socket does not take.
      pool = new OriginPool({ secure, hostname: hostname.replace(/^\[(.*)\]$/, '$1'), port: port === '' ? (secure ? 443 : 80) : Number(port) });
      this.#pools.set(key, pool);
    }
    this.#target = { url, pool, start: `POST ${pathname}${search} HTTP/1.1\r\nhost: ${host}\r\n` };
    return this.#target;
  }

  /** The caller's fields as header lines, checked once per fields object. */
  #linesOf(fields: Readonly<Record<string, string>>): string {
    if (fields === this.#fields) return this.#fieldLines;
    let lines = '';
    for (const [name, value] of Object.entries(fields)) {
      if (!FIELD_NAME.test(name)) throw new Error(`the header name ${JSON.stringify(name)} is not a valid HTTP field name`);
      // The value is not quoted: it may be a credential.
      if (!FIELD_VALUE.test(value)) throw new Error(`the value of header '${name}' holds a line break, a control or a non-ASCII character`);
      if (OWN_FIELDS.has(name.toLowerCase())) continue;
      lines += `${name}: ${value}\r\n`;
    }
    this.#fields = fields;
    this.#fieldLines = lines;
    return lines;
  }
}

/** The keep-alive connections to one origin: idle ones reused most recent first, so the surplus ages out. */
class OriginPool {
  readonly #origin: Origin;
  readonly #idle: Http1Connection[] = [];
  readonly #open = new Set<Http1Connection>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(origin: Origin) {
    this.#origin = origin;
  }

  acquire(): Http1Connection {
    const now = performance.now();
    for (let c = this.#idle.pop(); c !== undefined; c = this.#idle.pop()) {
      if (c.usable && now - c.idleSince < c.idleLimitMs) return c;
      c.destroy();
    }
    const connection = new Http1Connection(this.#origin, this.#free, this.#gone);
    this.#open.add(connection);
    this.#sweeper ??= setInterval(this.#sweep, 1_000).unref();
    return connection;
  }

  async close(): Promise<void> {
    const open = [...this.#open];
    for (const c of open) c.destroy(new Error('the HTTP client closed'));
    await Promise.all(open.map((c) => c.closed()));
  }

  readonly #free = (connection: Http1Connection): void => {
    this.#idle.push(connection);
  };

  readonly #gone = (connection: Http1Connection): void => {
    this.#open.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    if (this.#open.size === 0 && this.#sweeper) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  };

  /** Closes the connections idle past their limit, so a quiet model holds no sockets. */
  readonly #sweep = (): void => {
    const now = performance.now();
    for (const c of [...this.#idle]) if (now - c.idleSince >= c.idleLimitMs) c.destroy();
  };
}

/**
 * One POST's promise. It is also the abort listener of the caller's signal (handleEvent), so a
 * request allocates no closures.
 */
class PostExchange implements Exchange {
  readonly #signal: AbortSignal;
  readonly #redact: (text: string) => string;
  readonly #resolve: (answer: HttpAnswer) => void;
  readonly #reject: (err: unknown) => void;
  #settled = false;
  connection: Http1Connection | undefined;

  constructor(signal: AbortSignal, redact: (text: string) => string, resolve: (answer: HttpAnswer) => void, reject: (err: unknown) => void) {
    this.#signal = signal;
    this.#redact = redact;
    this.#resolve = resolve;
    this.#reject = reject;
    signal.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted: the call rejects with the reason, and the connection, mid-exchange, is closed. */
  handleEvent(): void {
    this.#settle(false, this.#signal.reason);
    this.connection?.destroy();
  }

  answered(answer: ParsedAnswer): void {
    this.#settle(true, { status: answer.status, headers: new AnswerHeaders(answer.head), text: answer.body.toString('utf8') });
  }

  failed(err: Error): void {
    this.#settle(false, this.#signal.aborted ? this.#signal.reason : connectionError(err, this.#redact));
  }

  #settle(ok: boolean, value: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#signal.removeEventListener('abort', this);
    if (ok) this.#resolve(value as HttpAnswer);
    else this.#reject(value);
  }
}

function connectionError(err: unknown, redact: (text: string) => string): ModelCallError {
  return new ModelCallError('transient', redact(`connection error: ${causeChain(err)}`));
}
