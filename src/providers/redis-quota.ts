import type { Logger } from '../spi/logger.js';
import type { Clock, TimerHandle } from './clock.js';
import { planLimits, type LimiterPlan, type RateLimits } from './limit-plan.js';
import { LocalQuota, type Grant, type TakeResult, type Usage } from './local-quota.js';
import type { Quota } from './quota-limiter.js';
import type { RedisConnection } from './redis-connection.js';

/** Instances (and their permits) not heard of for this long no longer count. */
const STALE_MS = 10_000;
const HEARTBEAT_MS = 2_000;
/** At max-concurrent, another instance's release is not announced: ask again this often. */
const CONCURRENCY_POLL_MS = 25;
/** After a failed command, the local share serves at least this long before Redis is asked again. */
const FALLBACK_MIN_MS = 2_000;

/**
 * One quota shared by every instance through Redis (redis-quota-scripts.ts): the buckets, the
 * max-concurrent permits, the pause and the AIMD rate live there and are decided atomically on
 * Redis's clock. Each instance still queues its own callers (quota-limiter.ts) and asks for the
 * head only.
 *
 * Redis down (or slower than a second): the instance falls back to a local quota of its share,
 * the limits divided by the instances it last saw alive (a heartbeat sorted set), with a warning,
 * and goes back to the shared quota once Redis answers again. Never unlimited, never stalled.
 */
export class RedisQuota implements Quota {
  readonly #conn: RedisConnection;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #keys: { readonly state: string; readonly inflight: string; readonly instances: string; readonly recent: string };
  #limits: RateLimits = {};
  #plan: LimiterPlan = {};
  /** This instance's permits granted by Redis and not yet released (their leases are renewed by the heartbeat). */
  readonly #held = new Set<string>();
  #nextPermit = 0;
  /** Redis's clock minus ours, from the last answer. */
  #offset = 0;
  /** Average time a question to Redis takes (ms). */
  #roundTrip = 0;
  #pausedUntil = 0;
  #factor = 1;
  #throttles = 0;
  #rateDecreases = 0;
  #liveInstances = 1;
  #fallback: LocalQuota | undefined;
  #fallbackUntil = 0;
  #heartbeat: TimerHandle | undefined;
  #closed = false;

  constructor(quotaKey: string, conn: RedisConnection, clock: Clock, log: Logger) {
    this.#conn = conn;
    this.#clock = clock;
    this.#log = log;
    const prefix = `predictd:{${quotaKey}}`;
    this.#keys = { state: `${prefix}:state`, inflight: `${prefix}:inflight`, instances: `${prefix}:instances`, recent: `${prefix}:recent` };
    this.#beat();
  }

  configure(limits: RateLimits, now: number): void {
    this.#limits = limits;
    this.#plan = planLimits(limits);
    this.#fallback?.configure(this.#share(), now);
  }

  reservation(cost: number): number {
    const plan = this.#plan.tokens;
    if (!plan) return 0;
    return Number.isFinite(cost) ? Math.max(1, Math.ceil(cost)) : plan.capacity;
  }

  async tryTake(tokens: number, now: number): Promise<TakeResult> {
    // No limit on this quota: nothing to share but a 429's pause, which this instance learns when it throttles.
    if (this.#unlimited()) return now < this.pausedUntil ? this.pausedUntil - now : UNLIMITED_GRANT;
    // The first call waits for the first connection (at most 2 s); later ones never wait for Redis.
    if (!this.#fallback && !this.#conn.ready) await this.#conn.client().catch((err: unknown) => this.#down(err, now));
    if (this.#closed || this.#fallbackActive(now)) return this.#local(now).tryTake(tokens, now);
    const id = `${this.#conn.instanceId}:${this.#nextPermit++}`;
    const p = this.#plan;
    let reply: string[];
    const asked = this.#clock.now();
    try {
      const client = await this.#conn.client();
      reply = await client.predictdTake(
        this.#keys.state,
        this.#keys.inflight,
        this.#keys.recent,
        num(p.requests?.perMs ?? 0),
        num(p.requests?.capacity ?? 0),
        num(p.tokens?.perMs ?? 0),
        num(p.tokens?.capacity ?? 0),
        String(p.maxConcurrent ?? 0),
        String(tokens),
        id,
        String(STALE_MS),
        String(p.requests?.windowLimit ?? 0),
        String(p.requests?.windowMs ?? 0),
      );
    } catch (err) {
      this.#down(err, now);
      return this.#local(now).tryTake(tokens, now);
    }
    this.#up();
    this.#roundTrip = 0.8 * this.#roundTrip + 0.2 * (this.#clock.now() - asked);
    const [wait, redisNow, paused, factor] = reply.map(Number) as [number, number, number, number];
    this.#offset = redisNow - this.#clock.now();
    if (paused > 0) this.#pausedUntil = Math.max(this.#pausedUntil, paused - this.#offset);
    this.#factor = factor;
    if (wait === -1) return CONCURRENCY_POLL_MS;
    // Asking again one round trip early: the question then reaches Redis when the tokens are there,
    // and a bucket full that long would lose refill. Too early costs one more question.
    if (wait > 0) return Math.max(0.5, wait - this.#roundTrip);
    this.#held.add(id);
    return this.#redisGrant(id, tokens);
  }

  #redisGrant(id: string, reserved: number): Grant {
    return {
      release: (usage: Usage | undefined) => {
        this.#held.delete(id);
        const delta = tokenDelta(reserved, usage, this.#limits.tokensPerMinute);
        const t = this.#plan.tokens;
        void this.#conn
          .client()
          .then((c) => c.predictdRelease(this.#keys.state, this.#keys.inflight, id, num(delta), num(t?.perMs ?? 0), num(t?.capacity ?? 0)))
          // Lost with Redis: the permit's lease runs out (STALE_MS) and the tokens stay charged.
          .catch((err: unknown) => this.#log.debug({ err }, 'could not release a shared permit'));
      },
    };
  }

  throttled(pauseMs: number, grantedAt: number | undefined, now: number): boolean {
    this.#throttles++;
    const local = this.#fallback;
    const lowered = local?.throttled(pauseMs, grantedAt, now) ?? false;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.max(0, pauseMs));
    if (!this.#conn.ready) return lowered;
    const p = this.#plan;
    void this.#conn
      .client()
      .then((c) =>
        c.predictdThrottle(
          this.#keys.state,
          num(pauseMs),
          grantedAt === undefined ? '' : num(grantedAt + this.#offset),
          num(p.requests?.perMs ?? 0),
          num(p.requests?.capacity ?? 0),
          num(p.tokens?.perMs ?? 0),
          num(p.tokens?.capacity ?? 0),
        ),
      )
      .then(([shared, paused, factor]) => {
        this.#factor = Number(factor);
        if (Number(paused) > 0) this.#pausedUntil = Math.max(this.#pausedUntil, Number(paused) - this.#offset);
        if (shared !== '1') return;
        this.#rateDecreases++;
        this.#log.warn(
          { requestsPerMinute: (this.#limits.requestsPerMinute ?? 0) * this.#factor, pauseMs: Math.round(pauseMs) },
          'provider throttled (429): pausing the shared quota and lowering its request rate',
        );
      })
      .catch((err: unknown) => this.#down(err, this.#clock.now()));
    return false;
  }

  get pausedUntil(): number {
    return Math.max(this.#pausedUntil, this.#fallback?.pausedUntil ?? 0);
  }

  /** This instance's permits in flight. */
  get inFlight(): number {
    return this.#held.size + (this.#fallback?.inFlight ?? 0);
  }

  get rateFactor(): number {
    return this.#fallback ? this.#fallback.rateFactor : this.#factor;
  }

  get counters(): { readonly throttles: number; readonly rateDecreases: number } {
    return { throttles: this.#throttles, rateDecreases: this.#rateDecreases + (this.#fallback?.counters.rateDecreases ?? 0) };
  }

  get backend(): 'redis' | 'local-fallback' {
    return this.#fallback ? 'local-fallback' : 'redis';
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat !== undefined) this.#clock.cancel(this.#heartbeat);
    if (!this.#conn.ready) return;
    const client = await this.#conn.client();
    await client.predictdLeave(this.#keys.instances, this.#conn.instanceId).catch(() => {});
  }

  #unlimited(): boolean {
    const p = this.#plan;
    return !p.requests && !p.tokens && p.maxConcurrent === undefined;
  }

  #fallbackActive(now: number): boolean {
    return now < this.#fallbackUntil || !this.#conn.ready;
  }

  /** The limits divided among the instances last seen alive: what this one may take alone. */
  #share(): RateLimits {
    const n = Math.max(1, this.#liveInstances);
    const l = this.#limits;
    return {
      requestsPerMinute: l.requestsPerMinute === undefined ? undefined : l.requestsPerMinute / n,
      tokensPerMinute: l.tokensPerMinute === undefined ? undefined : l.tokensPerMinute / n,
      maxConcurrent: l.maxConcurrent === undefined ? undefined : Math.max(1, Math.floor(l.maxConcurrent / n)),
    };
  }

  #local(now: number): LocalQuota {
    if (!this.#fallback) {
      this.#fallback = new LocalQuota(this.#share(), now, this.#log);
      this.#log.warn(
        { liveInstances: this.#liveInstances, share: this.#share() },
        'shared quota unreachable (Redis): this instance takes its share of the limits locally until Redis answers again',
      );
      this.#fallback.pauseUntil(this.#pausedUntil);
    }
    return this.#fallback;
  }

  #down(err: unknown, now: number): void {
    if (this.#fallbackUntil <= now) this.#log.debug({ err }, 'shared quota command failed');
    this.#fallbackUntil = now + FALLBACK_MIN_MS;
  }

  #up(): void {
    if (!this.#fallback) return;
    // Permits it granted release to it; new ones come from Redis.
    this.#fallback = undefined;
    this.#log.info('shared quota reachable again (Redis): back to the shared limits');
  }

  /** Tells Redis this instance is alive, renews its permits' leases and learns how many instances share the quota. */
  #beat(): void {
    if (this.#closed) return;
    const timer = this.#clock.schedule(HEARTBEAT_MS, () => this.#heartbeat === timer && this.#beat());
    this.#heartbeat = timer;
    void this.#sendBeat();
  }

  async #sendBeat(): Promise<void> {
    try {
      const client = await this.#conn.client();
      if (!this.#conn.ready) return;
      const live = await client.predictdHeartbeat(this.#keys.instances, this.#keys.inflight, this.#conn.instanceId, String(STALE_MS), ...this.#held);
      if (live !== this.#liveInstances) {
        this.#liveInstances = live;
        this.#fallback?.configure(this.#share(), this.#clock.now());
      }
    } catch (err) {
      this.#log.debug({ err }, 'shared quota heartbeat failed');
    }
  }
}

const UNLIMITED_GRANT: Grant = Object.freeze({ release: () => {} });

/** Refund (> 0) or extra charge (< 0) of a released call, as local-quota.ts computes it. */
function tokenDelta(reserved: number, usage: Usage | undefined, tokensPerMinute: number | undefined): number {
  if (reserved === 0 || !usage) return 0;
  if (usage.rejected) return reserved;
  if (usage.totalTokens === undefined || !Number.isFinite(usage.totalTokens)) return 0;
  const delta = reserved - usage.totalTokens;
  return delta > 0 ? delta : -Math.min(-delta, tokensPerMinute ?? 0);
}

function num(x: number): string {
  return String(x);
}
