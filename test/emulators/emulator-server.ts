import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mulberry32 } from '../../src/util/seeded-random.js';

/**
 * The HTTP plumbing every model-API emulator shares: a loopback `node:http` server on a random
 * port (sockets tracked so close() is prompt), request bodies read whole (optionally capped),
 * JSON replies, latency timers, the last 200 requests recorded, scripted failures, a
 * sliding-window rate limit and the common counters. Wire formats live in the subclasses.
 */

export interface SlidingWindowLimit {
  /** Accepted requests allowed in any window of `windowMs`. */
  readonly requests: number;
  readonly windowMs: number;
}

export interface BaseCounters {
  readonly requests: number;
  readonly succeeded: number;
  readonly byStatus: Readonly<Record<number, number>>;
}

/** A listening loopback server whose request handler is bound once the emulator exists. */
export interface Loopback {
  readonly server: Server;
  readonly origin: string;
  readonly sockets: Set<Socket>;
  handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
}

const RECORD_LIMIT = 200;

export async function listenLoopback(): Promise<Loopback> {
  let loopback: Loopback | undefined;
  const server = createServer((req, res) => {
    if (loopback?.handler) loopback.handler(req, res);
    else res.destroy();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const lb: Loopback = { server, origin: `http://127.0.0.1:${port}`, sockets: new Set<Socket>(), handler: undefined };
  server.on('connection', (socket) => {
    lb.sockets.add(socket);
    socket.on('close', () => lb.sockets.delete(socket));
  });
  loopback = lb;
  return lb;
}

export abstract class EmulatorServer<Recorded, Failure extends { readonly status: number }> {
  readonly origin: string;
  protected latencyMs: number;
  /** Each answer's latency is drawn uniformly from latencyMs x (1 +/- spread); the mean stays latencyMs. */
  readonly #latencySpread: number;
  readonly #latencyRandom: () => number;
  protected readonly stats = { requests: 0, succeeded: 0, byStatus: {} as Record<number, number> };
  readonly #loopback: Loopback;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #maxBodyBytes: number;
  #accepted: number[] = [];
  #failures: Failure[] = [];
  #recorded: Recorded[] = [];
  #closed = false;

  protected constructor(loopback: Loopback, opts: { latencyMs?: number; latencySpread?: number; maxBodyBytes?: number }) {
    this.#loopback = loopback;
    this.origin = loopback.origin;
    this.latencyMs = opts.latencyMs ?? 0;
    this.#latencySpread = Math.min(1, Math.max(0, opts.latencySpread ?? 0));
    // Seeded: two runs with the same options draw the same latencies.
    this.#latencyRandom = mulberry32(0x1a7e);
    this.#maxBodyBytes = opts.maxBodyBytes ?? Number.POSITIVE_INFINITY;
    loopback.handler = (req, res) => this.#read(req, res);
  }

  /** Called with the whole body once the request has ended; `stats.requests` is already counted. */
  protected abstract route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void;

  /** The last requests (at most 200), oldest first. */
  get recorded(): readonly Recorded[] {
    return [...this.#recorded];
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** The next `count` authenticated, valid requests fail as scripted. */
  failNext(count: number, failure: Failure | number): void {
    const f = typeof failure === 'number' ? ({ status: failure } as Failure) : failure;
    for (let i = 0; i < count; i++) this.#failures.push(f);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const { server, sockets } = this.#loopback;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
    await closed;
  }

  protected baseCounters(): BaseCounters {
    return { ...this.stats, byStatus: { ...this.stats.byStatus } };
  }

  protected record(r: Recorded): void {
    this.#recorded.push(r);
    if (this.#recorded.length > RECORD_LIMIT) this.#recorded.shift();
  }

  protected nextFailure(): Failure | undefined {
    return this.#failures.shift();
  }

  protected resetWindow(): void {
    this.#accepted = [];
  }

  /** Accept times still held by the sliding window, oldest first. */
  protected get acceptedTimes(): readonly number[] {
    return this.#accepted;
  }

  /** Sliding window over accepted requests: undefined when admitted, else the wait until a slot frees. */
  protected admit(rl: SlidingWindowLimit | undefined, now = performance.now()): number | undefined {
    if (!rl) return undefined;
    while (this.#accepted.length > 0 && this.#accepted[0]! <= now - rl.windowMs) this.#accepted.shift();
    if (this.#accepted.length >= rl.requests) return Math.max(1, Math.ceil(this.#accepted[0]! + rl.windowMs - now));
    this.#accepted.push(now);
    return undefined;
  }

  /** Runs `fn` now without latency, else after it (the timer is cancelled by close()). */
  protected afterLatency(fn: () => void): void {
    if (this.latencyMs <= 0) return fn();
    const ms = this.#latencySpread === 0 ? this.latencyMs : this.latencyMs * (1 + this.#latencySpread * (2 * this.#latencyRandom() - 1));
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Counts the status, then writes a JSON reply unless the response is already gone. */
  protected sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string>): void {
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, headers);
    res.end(JSON.stringify(payload));
  }

  #read(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= this.#maxBodyBytes) chunks.push(c);
    });
    req.on('end', () => {
      this.stats.requests++;
      this.route(req, res, Buffer.concat(chunks));
    });
    req.on('error', () => res.destroy());
  }
}

/** One header as a string (repeated headers joined with ','). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The text of an OpenAI-style message content: a string or an array of `{ text }` parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('');
  return '';
}

/** The emulators' token estimate: four characters a token, at least one. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A unit vector seeded by the text: the same text always gets the same vector. */
export function defaultEmbedding(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  for (let i = 0; out.length < dimensions; i++) {
    if (i > 0 && i % 8 === 0) block = createHash('sha256').update(block).digest();
    out.push(block.readInt32LE((i % 8) * 4) / 2 ** 31);
  }
  const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
  return out.map((x) => x / norm);
}
