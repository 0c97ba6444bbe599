import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';

/**
 * Jobs in a daemon of this process against the OpenAI-wire emulator: a structured-output model
 * fills typed columns from strict json_schema answers, retries an answer that does not conform
 * and then routes the row to its error column (never as text); and the response cache makes one
 * call per distinct input.
 */
describe('structured output and the response cache, as jobs', () => {
  let harness: DaemonHarness | undefined;
  let emulator: OpenAIEmulator | undefined;
  afterEach(async () => {
    await harness?.stop();
    await emulator?.close();
    harness = undefined;
    emulator = undefined;
  });

  it('fills typed columns, heals a stray answer by retrying, and routes one that never conforms to the error column', async () => {
    const attempts = new Map<string, number>();
    emulator = await OpenAIEmulator.start({
      apiKeys: ['sk-structured'],
      respond: (req) => {
        const id = Number(req.user.replace('case-', ''));
        const n = (attempts.get(req.user) ?? 0) + 1;
        attempts.set(req.user, n);
        if (id % 5 === 4) return 'The risk is high.'; // never conforms
        if (id % 5 === 2 && n === 1) return '{"risk": "high", "reason": "stray"}'; // conforms on the retry
        return JSON.stringify({ risk: id / 100, reason: `case ${id}`, flagged: id % 2 === 0 });
      },
    });
    const job = `
CREATE TEMPORARY TABLE cases (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '20', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW asks AS SELECT id, CONCAT('case-', CAST(id AS STRING)) AS t FROM cases;
CREATE MODEL risk INPUT (t STRING) OUTPUT (risk DOUBLE, reason STRING, flagged BOOLEAN, \`error-string\` STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator.url('/v1/chat/completions')}', 'api-key' = 'sk-structured', 'model' = 'gpt-4o-mini',
  'error-handling-strategy' = 'IGNORE', 'retry-num' = '2', 'retry-backoff-base-interval' = '1ms', 'retry-backoff-max-interval' = '5ms');
CREATE TEMPORARY TABLE out (id BIGINT, risk DOUBLE, reason STRING, flagged BOOLEAN, err STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'risk');
INSERT INTO out SELECT id, risk, reason, flagged, \`error-string\` FROM ML_PREDICT(TABLE asks, MODEL risk, DESCRIPTOR(t));
`;
    harness = await startDaemon({ 'risk.sql': job });
    const rows = await waitFor('20 rows', () => {
      const printed = harness!.printed().filter((r) => r.startsWith('risk> '));
      return printed.length >= 20 ? printed : undefined;
    });
    const byId = new Map(rows.map((r) => [Number(/\+I\[(\d+),/.exec(r)![1]), r]));
    expect(byId.get(3)).toBe('risk> +I[3, 0.03, case 3, false, null]');
    expect(byId.get(2)).toBe('risk> +I[2, 0.02, case 2, true, null]');
    for (const id of [4, 9, 14, 19]) {
      expect(byId.get(id)).toMatch(new RegExp(`^risk> \\+I\\[${id}, null, null, null, model 'risk': answer does not conform to the OUTPUT schema: the answer is not JSON; answer: "The risk is high\\." \\(gave up after 3 attempts\\)\\]$`));
      expect(attempts.get(`case-${id}`)).toBe(3);
    }
    expect(attempts.get('case-2')).toBe(2);
    expect(rows.some((r) => r.includes('The risk is high.') && !r.includes('does not conform'))).toBe(false);

    const body = emulator.recorded.find((r) => r.path.endsWith('/chat/completions'))!.body as Record<string, unknown>;
    expect(body['response_format']).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'risk',
        strict: true,
        schema: {
          type: 'object',
          properties: { risk: { type: ['number', 'null'] }, reason: { type: ['string', 'null'] }, flagged: { type: ['boolean', 'null'] } },
          required: ['risk', 'reason', 'flagged'],
          additionalProperties: false,
        },
      },
    });
  });

  it('makes at most 10 model calls for 1,000 rows of 10 distinct inputs with the cache on', async () => {
    emulator = await OpenAIEmulator.start({ apiKeys: ['sk-cache'], latencyMs: 20, respond: (req) => `answer to ${req.user}` });
    const job = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '1000', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW asks AS SELECT id, CONCAT('q', CAST(MOD(id, 10) AS STRING)) AS t FROM ticks;
CREATE MODEL m INPUT (t STRING) OUTPUT (answer STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator.url('/v1/chat/completions')}', 'api-key' = 'sk-cache', 'model' = 'gpt-4o-mini',
  'temperature' = '0', 'cache.enabled' = 'true', 'cache.max-entries' = '100', 'cache.ttl' = '10 min');
CREATE TEMPORARY TABLE out (id BIGINT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'cached');
INSERT INTO out SELECT id, answer FROM ML_PREDICT(TABLE asks, MODEL m, DESCRIPTOR(t));
`;
    harness = await startDaemon({ 'cached.sql': job });
    const rows = await waitFor('1000 rows', () => {
      const printed = harness!.printed().filter((r) => r.startsWith('cached> '));
      return printed.length >= 1000 ? printed : undefined;
    });
    expect(rows).toHaveLength(1000);
    expect(rows.filter((r) => r.endsWith(', answer to q7]'))).toHaveLength(100);
    expect(emulator.counters.chatRequests).toBeLessThanOrEqual(10);
    expect(emulator.counters.chatRequests).toBe(10);
    const [status] = harness.daemon.jobs();
    const stats = harness.daemon.jobManager.job(status!.id)!.modelStats()[0]!.stats;
    expect(stats.cache).toEqual({ hits: 990, misses: 10, evictions: 0 });
    expect(stats.requests).toBe(10);

    // The same counters in /metrics.
    const text = await harness.daemon.metrics.render([{ ...status!, models: harness.daemon.jobManager.job(status!.id)!.modelStats() }], []);
    const sample = (name: string) => Number(new RegExp(`^${name}\\{job="cached",model="m"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(sample('predictd_model_cache_hits_total')).toBe(990);
    expect(sample('predictd_model_cache_misses_total')).toBe(10);
    expect(sample('predictd_model_cache_evictions_total')).toBe(0);
  });
});
