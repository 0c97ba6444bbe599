import { setMaxListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, bindModel, openAIProvider, type BoundModelFunction } from '../../src/providers/index.js';
import type { PredictOutcome } from '../../src/spi/model-provider.js';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { captureLogger, defineModel } from './helpers.js';

/**
 * Long-running checks of the shared limiter against an emulator that enforces a real limit.
 * Both run the full stack: bindModel -> LimiterRegistry (token buckets) -> HttpClient -> HTTP.
 */

const KEY = 'sk-acceptance-key';
const CALLERS = 32;

let emu: OpenAIEmulator | undefined;
let limiters: LimiterRegistry | undefined;
let fn: BoundModelFunction | undefined;

afterEach(async () => {
  await fn?.close();
  await limiters?.close();
  await emu?.close();
  fn = undefined;
  limiters = undefined;
  emu = undefined;
});

async function setUp(options: Record<string, string>) {
  emu = await OpenAIEmulator.start({
    apiKeys: [KEY],
    latencyMs: 20,
    rateLimit: { requests: 10, windowMs: 1_000 },
    respond: (r) => `ok: ${r.user}`,
  });
  const log = captureLogger();
  limiters = new LimiterRegistry({ log });
  const model = defineModel(openAIProvider, {
    provider: 'openai',
    endpoint: emu.url('/v1/chat/completions'),
    'api-key': KEY,
    model: 'gpt-test',
    'rate-limit.requests-per-minute': '600',
    ...options,
  });
  fn = bindModel(openAIProvider, model, { limiters, log });
  return { emu, fn, log };
}

describe('rate limiting against a provider that allows 10 requests per second', () => {
  it(
    'stays under the limit: <= 1% of requests get 429, throughput >= 95% of 10 req/s over 60 s',
    async () => {
      const { emu, fn } = await setUp({});
      const runMs = 60_000;
      const stop = new AbortController();
      // Every waiting caller listens on this one signal; that is not a leak.
      setMaxListeners(4 * CALLERS, stop.signal);
      const started = Date.now();
      let succeeded = 0;
      let row = 0;
      const outcomes: PredictOutcome[] = [];
      const caller = async () => {
        while (!stop.signal.aborted) {
          try {
            const outcome = await fn.predict([`row ${row++}`], { signal: stop.signal });
            if (Date.now() - started <= runMs && outcome.ok) succeeded++;
            if (!outcome.ok) outcomes.push(outcome);
          } catch (err) {
            if (!stop.signal.aborted) throw err;
          }
        }
      };
      const timer = setTimeout(() => stop.abort(new Error('run over')), runMs);
      await Promise.all(Array.from({ length: CALLERS }, caller));
      clearTimeout(timer);

      const c = emu.counters;
      const throughput = succeeded / (runMs / 1000);
      const share429 = c.rateLimited / c.requests;
      console.info(
        `[acceptance a] requests=${c.requests} succeeded=${succeeded} 429=${c.rateLimited} (${(share429 * 100).toFixed(2)}%) ` +
          `throughput=${throughput.toFixed(2)}/s maxInWindow=${c.maxAcceptedInWindow} stats=${JSON.stringify(fn.stats())}`,
      );
      expect(outcomes).toEqual([]);
      expect(share429).toBeLessThanOrEqual(0.01);
      expect(throughput).toBeGreaterThanOrEqual(9.5);
    },
    120_000,
  );

  it(
    'rides out a 20-second 429 storm: callers stall, then recover by themselves, no row dropped or failed',
    async () => {
      const { emu, fn } = await setUp({});
      const perCaller = 6;
      const started = Date.now();
      const stormAt = 2_000;
      const stormMs = 20_000;
      setTimeout(() => emu.storm(stormMs, { retryAfterSeconds: 1 }), stormAt);
      const finishedAt: number[] = [];
      const outcomes: PredictOutcome[] = [];
      const caller = async (id: number) => {
        for (let i = 0; i < perCaller; i++) {
          // A generous per-row deadline, like the runtime's timeout: the storm alone must not hit it.
          const outcome = await fn.predict([`caller ${id} row ${i}`], { signal: AbortSignal.timeout(110_000) });
          outcomes.push(outcome);
          finishedAt.push(Date.now() - started);
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, (_, id) => caller(id)));

      const c = emu.counters;
      const duringStorm = finishedAt.filter((t) => t > stormAt + 500 && t < stormAt + stormMs).length;
      const afterStorm = finishedAt.filter((t) => t >= stormAt + stormMs).length;
      console.info(
        `[acceptance b] rows=${outcomes.length} requests=${c.requests} storm429=${c.stormRejected} 429=${c.rateLimited} ` +
          `done during storm=${duringStorm} after=${afterStorm} total=${((Date.now() - started) / 1000).toFixed(1)}s stats=${JSON.stringify(fn.stats())}`,
      );
      expect(outcomes).toHaveLength(CALLERS * perCaller);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      // Stalled: nothing completes while the provider refuses everything...
      expect(duringStorm).toBe(0);
      // ...and the rows waiting at the storm's start completed after it, without any intervention.
      expect(afterStorm).toBeGreaterThan(0);
      // Backing off: the storm saw a handful of probes, not 32 callers hammering for 20 s.
      expect(c.stormRejected).toBeLessThan(200);
      expect(fn.stats()).toMatchObject({ dropped: 0, failed: 0 });
    },
    150_000,
  );
});
