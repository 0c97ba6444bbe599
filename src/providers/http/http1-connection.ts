import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { MalformedAnswerError, ResponseParser, type ParsedAnswer } from './response-parser.js';

/** Where a connection goes. */
export interface Origin {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** The origin's latest TLS session, offered by the next connection so it resumes rather than handshakes. */
  tlsSession?: Buffer;
}

/** The request a connection carries: told of its whole answer, or of why there is none. */
export interface Exchange {
  answered(answer: ParsedAnswer): void;
  failed(err: Error): void;
}

/** How long an idle connection is kept when the server names no limit (undici's keepAliveTimeout). */
export const DEFAULT_IDLE_MS = 4_000;
/** A connection is given up this long before the server's own limit, so no request meets its close. */
const IDLE_MARGIN_MS = 1_000;
/** However long a server would keep it: NATs and load balancers drop quiet flows silently (Azure's after 4 minutes). */
const MAX_IDLE_MS = 120_000;
/** TCP keep-alive probes on a connection quiet this long, so a peer gone mid-answer is noticed. */
const TCP_KEEPALIVE_MS = 60_000;
/** A connection not established (TCP and TLS) by then fails, rather than hold its attempt until `client-timeout`. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One keep-alive HTTP/1.1 connection, carrying one request at a time. Requests are not pipelined:
 * a model's answers take from milliseconds to minutes, and a slow one would hold back every answer
 * queued behind it on the same connection. The pool opens as many connections as there are
 * requests in flight instead (the in-flight window bounds them).
 *
 * A connection goes back to the pool only when its answer ended exactly where the bytes read so
 * far end and its request was written whole: a server that answers before reading the whole body
 * (an early 401 or 413), or sends more than its framing says, leaves the connection out of step,
 * and it is closed instead (RFC 9112 section 6.3 and 9.5).
 */
export class Http1Connection {
  readonly #socket: Socket;
  readonly #parser = new ResponseParser();
  readonly #onFree: (connection: Http1Connection) => void;
  readonly #onGone: (connection: Http1Connection) => void;
  #exchange: Exchange | undefined;
  /** The answer read in the current chunk left the connection fit for another request. */
  #reusable = false;
  /** The request is not yet all handed to the kernel. */
  #writing = false;
  #error: Error | undefined;
  #gone = false;
  #closed: Promise<void> | undefined;
  /** When the connection last became idle (performance.now()). */
  idleSince = 0;
  /** How long it may stay idle and still be used: the server's Keep-Alive timeout less a margin. */
  idleLimitMs = DEFAULT_IDLE_MS;

  constructor(origin: Origin, onFree: (connection: Http1Connection) => void, onGone: (connection: Http1Connection) => void) {
    this.#onFree = onFree;
    this.#onGone = onGone;
    const { hostname, port } = origin;
    if (origin.secure) {
      const servername = isIP(hostname) === 0 ? hostname : undefined;
      const socket = connectTls({ host: hostname, port, servername, ALPNProtocols: ['http/1.1'], session: origin.tlsSession });
      socket.on('session', (session: Buffer) => (origin.tlsSession = session));
      socket.once('secureConnect', this.#connected);
      this.#socket = socket;
    } else {
      this.#socket = connectTcp({ host: hostname, port });
      this.#socket.once('connect', this.#connected);
    }
    this.#socket.setNoDelay(true);
    this.#socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    this.#socket.setTimeout(CONNECT_TIMEOUT_MS, this.#connectTimeout);
    this.#socket.on('data', this.#read);
    this.#socket.on('error', this.#fault);
    this.#socket.on('end', this.#ended);
    this.#socket.on('close', this.#close);
  }

  /** Not closed, closing or half-closed by the server: it may carry a request. */
  get usable(): boolean {
    return !this.#gone && this.#socket.writable;
  }

  /** Writes a whole request (head and body) in one write; its answer or failure goes to `exchange`. */
  send(request: string, exchange: Exchange): void {
    this.#exchange = exchange;
    this.#writing = true;
    this.#socket.write(request, this.#written);
  }

  /** Closes the connection; a request on it fails with `err` (or a plain "closed"). */
  destroy(err?: Error): void {
    if (err) this.#error ??= err;
    this.#gone = true;
    this.#socket.destroy();
  }

  /** Resolves once the socket has closed. */
  closed(): Promise<void> {
    this.#closed ??= this.#socket.closed ? Promise.resolve() : new Promise((resolve) => this.#socket.once('close', () => resolve()));
    return this.#closed;
  }

  readonly #connected = (): void => {
    this.#socket.setTimeout(0);
  };

  readonly #connectTimeout = (): void => {
    this.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`));
  };

  readonly #written = (): void => {
    this.#writing = false;
  };

  readonly #read = (chunk: Buffer): void => {
    if (this.#exchange === undefined && this.#parser.idle) {
      this.destroy(new MalformedAnswerError('bytes arrived with no request waiting'));
      return;
    }
    try {
      this.#parser.feed(chunk, this.#answered);
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    if (!this.#reusable) return;
    this.#reusable = false;
    if (!this.#parser.idle) {
      this.destroy(new MalformedAnswerError('bytes arrived after the answer'));
      return;
    }
    this.idleSince = performance.now();
    this.#onFree(this);
  };

  readonly #answered = (answer: ParsedAnswer): void => {
    const exchange = this.#exchange;
    if (exchange === undefined) throw new MalformedAnswerError('an answer arrived with no request waiting');
    this.#exchange = undefined;
    if (answer.keepAliveMs !== undefined) {
      const limit = answer.keepAliveMs;
      this.idleLimitMs = Math.min(MAX_IDLE_MS, limit > IDLE_MARGIN_MS ? limit - IDLE_MARGIN_MS : limit / 2);
    }
    // Freed by #read once the whole chunk is read; an answer that came before its request was
    // written whole leaves the rest of the body on the connection.
    if (answer.reusable && !this.#writing && !this.#gone) this.#reusable = true;
    else this.destroy();
    exchange.answered(answer);
  };

  readonly #fault = (err: Error): void => {
    this.#error ??= err;
    this.#gone = true;
  };

  readonly #ended = (): void => {
    this.#gone = true;
  };

  readonly #close = (): void => {
    this.#gone = true;
    const exchange = this.#exchange;
    this.#exchange = undefined;
    if (exchange) {
      // An answer framed by the connection's close is whole now; any other is cut short.
      const answer = this.#error ? undefined : this.#parser.end();
      if (answer) exchange.answered(answer);
      else exchange.failed(this.#error ?? new Error(this.#parser.idle ? 'the server closed the connection before answering' : 'the server closed the connection mid-answer'));
    }
    this.#onGone(this);
  };
}
