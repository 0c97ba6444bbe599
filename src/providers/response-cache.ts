import { createHash } from 'node:crypto';
import { abortable } from '../spi/abortable.js';
import type { ModelDefinition } from '../spi/model-provider.js';
import type { Value } from '../types/data-type.js';
import type { Clock } from './clock.js';

/** Cache counters since the model was bound. */
export interface CacheStats {
  /** Rows answered from the cache, or by joining an identical call already in flight. */
  readonly hits: number;
  /** Rows that had to call the model. */
  readonly misses: number;
  /** Entries pushed out by `cache.max-entries` (least recently used first); expired ones are not counted. */
  readonly evictions: number;
}

export interface ResponseCacheOptions {
  readonly maxEntries: number;
  /** How long an answer stays valid after it was stored. */
  readonly ttlMs: number;
}

type Rows = readonly (readonly Value[])[];

interface Entry {
  readonly rows: Rows;
  readonly expiresAt: number;
}

/** Options that shape how a call is made, not what it answers: left out of the cache key. */
const NOT_ANSWER_KEYS = ['rate-limit.', 'cache.', 'cost.', 'retry-', 'error-handling-strategy', 'client-timeout', 'connection'];

/**
 * The part of the cache key that names the model: provider, OUTPUT columns and every option that
 * can change an answer (endpoint, model, prompts, sampling, schema ...), hashed once at bind time.
 * Options that only pace or retry calls are left out, so tuning them keeps the entries valid.
 */
export function modelIdentity(model: ModelDefinition): string {
  const options = Object.entries(model.options.raw)
    .filter(([key]) => !NOT_ANSWER_KEYS.some((prefix) => key.startsWith(prefix)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const outputs = model.outputs.map((c) => [c.name, c.type]);
  return sha256(JSON.stringify([model.provider, outputs, options]));
}

/**
 * The answers of one model, by input: an LRU map bounded by `cache.max-entries` whose entries
 * expire `cache.ttl` after they were stored, on an injected clock. Only successful answers are
 * stored (the caller's rule); identical inputs in flight share one call (`load`, single flight).
 */
export class ResponseCache {
  readonly #identity: string;
  readonly #options: ResponseCacheOptions;
  readonly #clock: Pick<Clock, 'now'>;
  /** Map order is recency order: a hit moves its entry to the end, eviction takes the first. */
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Rows | undefined>>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(identity: string, options: ResponseCacheOptions, clock: Pick<Clock, 'now'>) {
    this.#identity = identity;
    this.#options = options;
    this.#clock = clock;
  }

  /** The key of one row's inputs for this model: a hash, so long prompts are not held twice. */
  keyOf(inputs: readonly Value[]): string {
    return sha256(`${this.#identity}\u0000${JSON.stringify(inputs, jsonValue)}`);
  }

  /** The stored answer of `key`, if fresh (counted neither hit nor miss: `answer` counts). */
  get(key: string): Rows | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#clock.now()) return undefined;
    this.#entries.set(key, entry);
    return entry.rows;
  }

  set(key: string, rows: Rows): void {
    this.#entries.delete(key);
    this.#entries.set(key, { rows, expiresAt: this.#clock.now() + this.#options.ttlMs });
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
      this.#evictions++;
    }
  }

  /**
   * The rows for `key`: from the cache, else from the call already in flight for the same key,
   * else from `load`, whose answer is stored when it is rows. `load` answers undefined for a row
   * that failed: nothing is stored, and a row that waited on it gets undefined too, so it can make
   * its own call (a failure is never shared nor cached). A rejected load rejects its own caller
   * only; the others get undefined. A row waiting on another's call rejects when its `signal` aborts.
   */
  async answer(key: string, signal: AbortSignal, load: () => Promise<Rows | undefined>): Promise<{ readonly rows: Rows | undefined; readonly shared: boolean }> {
    const cached = this.get(key);
    if (cached) {
      this.#hits++;
      return { rows: cached, shared: true };
    }
    const pending = this.#inFlight.get(key);
    if (pending) {
      // A waiting row still stops with its own caller.
      const rows = await abortable(pending.catch(() => undefined), signal);
      if (rows) this.#hits++;
      return { rows, shared: rows !== undefined };
    }
    this.#misses++;
    const call = load();
    this.#inFlight.set(key, call);
    try {
      const rows = await call;
      if (rows) this.set(key, rows);
      return { rows, shared: false };
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** A miss made outside `answer` (a row that waited on a failed call and then called itself). */
  countMiss(): void {
    this.#misses++;
  }

  stats(): CacheStats {
    return Object.freeze({ hits: this.#hits, misses: this.#misses, evictions: this.#evictions });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** Inputs that JSON cannot tell apart by default (Date, bytes, maps) get a tagged, exact form. */
function jsonValue(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Map) return { $map: [...value.entries()] };
  return value;
}
