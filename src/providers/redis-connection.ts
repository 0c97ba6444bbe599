import { randomUUID } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import type { Logger } from '../spi/logger.js';
import { HEARTBEAT_SCRIPT, LEAVE_SCRIPT, RELEASE_SCRIPT, TAKE_SCRIPT, THROTTLE_SCRIPT } from './redis-quota-scripts.js';

/** A command that takes longer fails, and the quota falls back to its local share: never stalled. */
const COMMAND_TIMEOUT_MS = 1_000;
/** How long the first call waits for the first connection before it falls back. */
const FIRST_CONNECT_MS = 2_000;

/** The scripts as commands of the client (ioredis defineCommand: EVALSHA, EVAL on NOSCRIPT). */
export interface QuotaCommands {
  predictdTake(state: string, inflight: string, recent: string, ...args: string[]): Promise<string[]>;
  predictdRelease(state: string, inflight: string, ...args: string[]): Promise<string>;
  predictdThrottle(state: string, ...args: string[]): Promise<string[]>;
  predictdHeartbeat(instances: string, inflight: string, ...args: string[]): Promise<number>;
  predictdLeave(instances: string, id: string): Promise<string>;
}

/** `redis://user:***@host:port/db`: what logs may show of the URL. */
export function redactedRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

/**
 * The daemon's one connection to the Redis that holds the shared quotas (`limiter.redis.url`).
 * ioredis is loaded with the first quota that needs it. Commands never queue while disconnected
 * and time out after a second, so a quota that cannot reach Redis falls back at once; the client
 * reconnects by itself, backing off up to 2 s.
 */
export class RedisConnection {
  /** This process among the instances sharing a quota. */
  readonly instanceId = randomUUID();
  readonly #url: string;
  readonly #log: Logger;
  #client: Promise<RedisClient & QuotaCommands> | undefined;
  #ready = false;
  #closed = false;

  constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log;
  }

  /** Connected and answering commands now. */
  get ready(): boolean {
    return this.#ready && !this.#closed;
  }

  /** The client; the first call connects (waiting at most FIRST_CONNECT_MS for it). */
  client(): Promise<RedisClient & QuotaCommands> {
    this.#client ??= this.#connect();
    return this.#client;
  }

  async #connect(): Promise<RedisClient & QuotaCommands> {
    const { Redis } = await import('ioredis');
    const client = new Redis(this.#url, {
      enableOfflineQueue: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      connectTimeout: FIRST_CONNECT_MS,
      retryStrategy: (times: number) => Math.min(200 * times, 2_000),
    }) as RedisClient & QuotaCommands;
    client.defineCommand('predictdTake', { numberOfKeys: 3, lua: TAKE_SCRIPT });
    client.defineCommand('predictdRelease', { numberOfKeys: 2, lua: RELEASE_SCRIPT });
    client.defineCommand('predictdThrottle', { numberOfKeys: 1, lua: THROTTLE_SCRIPT });
    client.defineCommand('predictdHeartbeat', { numberOfKeys: 2, lua: HEARTBEAT_SCRIPT });
    client.defineCommand('predictdLeave', { numberOfKeys: 1, lua: LEAVE_SCRIPT });
    const where = redactedRedisUrl(this.#url);
    let lastError = '';
    client.on('ready', () => {
      this.#ready = true;
      lastError = '';
      this.#log.info({ redis: where }, 'shared quota store connected');
    });
    client.on('end', () => (this.#ready = false));
    client.on('close', () => (this.#ready = false));
    // Without a listener ioredis would print every reconnect failure; one line per distinct error.
    client.on('error', (err: Error) => {
      this.#ready = false;
      if (err.message === lastError) return;
      lastError = err.message;
      this.#log.warn({ redis: where, err: err.message }, 'shared quota store unreachable; reconnecting');
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_CONNECT_MS);
      timer.unref();
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return client;
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ready = false;
    if (!this.#client) return;
    const client = await this.#client;
    await client.quit().catch(() => client.disconnect());
  }
}
