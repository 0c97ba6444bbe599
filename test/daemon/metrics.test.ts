import { afterEach, describe, expect, it } from 'vitest';
import type { AdminJobSnapshot } from '../../src/daemon/admin-server.js';
import { DaemonMetrics } from '../../src/daemon/daemon-metrics.js';
import type { ModelStats } from '../../src/providers/index.js';
import type { PipelineStats } from '../../src/runtime/pipeline.js';
import { freePort } from '../broker/local-kafka-broker.js';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';
import { HAS_PYTHON3, parseWithPrometheusClient, samplesOf, valueOf, type ParsedFamily } from '../support/prometheus-parser.js';

const ROWS = 12;

/** Bounded: twelve reviews through the offline model, which takes 20 ms a call and is priced. */
const PRICED = `
CREATE TEMPORARY VIEW reviews(id, txt) AS VALUES ${Array.from({ length: ROWS }, (_, i) => `(${i}, '${i % 2 ? 'a good and happy day' : 'a bad sad day'}')`).join(', ')};
CREATE MODEL mood INPUT (txt STRING) OUTPUT (label STRING) WITH (
  'provider' = 'local', 'latency' = '20ms', 'cost.input-per-1m-tokens' = '2.5', 'cost.output-per-1m-tokens' = '10');
CREATE TEMPORARY TABLE out (id INT, label STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'priced');
INSERT INTO out SELECT id, label FROM ML_PREDICT(TABLE reviews, MODEL mood, DESCRIPTOR(txt));
`;

/** Two rows written, then a CAST fails the job: three attempts (two restarts 200 ms apart) over the same rows. */
const FLAKY = `
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '2';
SET 'restart-strategy.fixed-delay.delay' = '200 ms';
CREATE TEMPORARY VIEW v(s) AS VALUES ('1'), ('2'), ('not a number');
CREATE TEMPORARY TABLE out (n INT) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'flaky');
INSERT INTO out SELECT CAST(s AS INT) FROM v;
`;

const describePython = HAS_PYTHON3 ? describe : describe.skip;
if (!HAS_PYTHON3) console.warn('[metrics.test] python3 is not installed: the /metrics tests that use the Prometheus client parser are skipped');

describePython('/metrics, read by the Prometheus client parser', () => {
  let harness: DaemonHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function scrape(port: number): Promise<ParsedFamily[]> {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseWithPrometheusClient(await res.text());
  }

  it('has build info, process metrics, the job state set, latency histograms, tokens and cost of a job it ran', async () => {
    const port = await freePort();
    harness = await startDaemon({ 'priced.sql': PRICED }, { 'admin.port': port });
    await waitFor('the job to finish', async () => {
      const job = (await (await fetch(`http://127.0.0.1:${port}/jobs/priced`)).json()) as { state: string };
      return job.state === 'FINISHED';
    }, 20_000, 50);
    const m = await scrape(port);

    expect(valueOf(m, 'predictd_build_info', { version: '0.1.0', node_version: process.version })).toBe(1);
    expect(samplesOf(m, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samplesOf(m, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
    const states = samplesOf(m, 'predictd_job_state', { job: 'priced' });
    expect(states.filter((s) => s.value === 1).map((s) => s.labels['state'])).toEqual(['FINISHED']);
    expect(states.length).toBeGreaterThan(5);
    expect(m.find((f) => f.name === 'predictd_job_state')?.type).toBe('gauge');

    const pipeline = { job: 'priced', pipeline: 'INSERT INTO out' };
    expect(valueOf(m, 'predictd_records_in_total', pipeline)).toBe(ROWS);
    expect(valueOf(m, 'predictd_rows_out_total', pipeline)).toBe(ROWS);
    expect(valueOf(m, 'predictd_in_flight', pipeline)).toBe(0);

    // Every row waited at least for its 20 ms model call.
    expect(m.find((f) => f.name === 'predictd_row_latency_seconds')?.type).toBe('histogram');
    expect(valueOf(m, 'predictd_row_latency_seconds_count', pipeline)).toBe(ROWS);
    expect(valueOf(m, 'predictd_row_latency_seconds_bucket', { ...pipeline, le: '0.01' })).toBe(0);
    expect(valueOf(m, 'predictd_row_latency_seconds_bucket', { ...pipeline, le: '+Inf' })).toBe(ROWS);
    expect(valueOf(m, 'predictd_row_latency_seconds_sum', pipeline)).toBeGreaterThanOrEqual(ROWS * 0.015);
    const bounds = samplesOf(m, 'predictd_row_latency_seconds_bucket', pipeline).map((s) => s.labels['le']);
    expect(bounds).toEqual(['0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '20', '30', '60', '+Inf']);

    const model = { job: 'priced', model: 'mood' };
    expect(valueOf(m, 'predictd_model_request_duration_seconds_count', { ...model, outcome: 'ok' })).toBe(ROWS);
    expect(valueOf(m, 'predictd_model_request_duration_seconds_bucket', { ...model, outcome: 'ok', le: '0.01' })).toBe(0);
    for (const outcome of ['throttled', 'timeout', 'error', 'canceled']) {
      expect(valueOf(m, 'predictd_model_request_duration_seconds_count', { ...model, outcome }), outcome).toBe(0);
    }
    expect(valueOf(m, 'predictd_model_rows_total', model)).toBe(ROWS);

    const input = valueOf(m, 'predictd_model_tokens_total', { ...model, type: 'input' });
    const output = valueOf(m, 'predictd_model_tokens_total', { ...model, type: 'output' });
    expect(input).toBeGreaterThanOrEqual(ROWS);
    expect(output).toBe(ROWS); // one label token per answer
    const cost = valueOf(m, 'predictd_model_cost_total', model);
    expect(cost).toBeCloseTo((input * 2.5 + output * 10) / 1e6, 12);
    expect(m.find((f) => f.name === 'predictd_model_cost')?.type).toBe('counter');

    // The same cost in the model stats of GET /jobs/{id}.
    const job = (await (await fetch(`http://127.0.0.1:${port}/jobs/priced`)).json()) as { models: Array<{ model: string; stats: ModelStats }> };
    expect(job.models[0]!.stats.cost).toBeCloseTo(cost, 12);
  }, 30_000);

  it('keeps counting across restart attempts: no counter goes backwards', async () => {
    const port = await freePort();
    harness = await startDaemon({ 'flaky.sql': FLAKY }, { 'admin.port': port });
    const pipeline = { job: 'flaky', pipeline: 'INSERT INTO out' };
    let last = 0;
    const m = await waitFor('the strategy to give up after two restarts', async () => {
      const now = await scrape(port);
      const recordsIn = samplesOf(now, 'predictd_records_in_total', pipeline)[0]?.value ?? 0;
      expect(recordsIn).toBeGreaterThanOrEqual(last);
      last = recordsIn;
      return valueOf(now, 'predictd_job_restarts_total', { job: 'flaky' }) === 2 && valueOf(now, 'predictd_job_state', { job: 'flaky', state: 'FAILED' }) === 1 ? now : undefined;
    }, 20_000, 20);
    // Three attempts, each reading the three rows and writing the two good ones.
    expect(valueOf(m, 'predictd_records_in_total', pipeline)).toBe(9);
    expect(valueOf(m, 'predictd_rows_out_total', pipeline)).toBe(6);
    expect(valueOf(m, 'predictd_row_latency_seconds_count', pipeline)).toBe(6);
    const job = (await (await fetch(`http://127.0.0.1:${port}/jobs/flaky`)).json()) as { pipelines: Array<{ stats: PipelineStats }> };
    expect(job.pipelines[0]!.stats).toMatchObject({ recordsIn: 9, rowsOut: 6 });
  }, 30_000);
});

describePython('DaemonMetrics', () => {
  const stats: PipelineStats = {
    recordsIn: 40, rowsOut: 37, nullInputsDropped: 1, predictionsDropped: 1, modelCalls: 39, sinkRetries: 3,
    failures: { decode: { deadLettered: 2, dropped: 0 }, transform: { deadLettered: 0, dropped: 0 }, predict: { deadLettered: 0, dropped: 1 }, sink: { deadLettered: 0, dropped: 0 } },
    deadLetterRetries: 0,
  };
  const modelStats = (over: Partial<ModelStats> = {}): ModelStats => ({
    rows: 39, requests: 41, succeeded: 38, throttled: 2, transientErrors: 1, fatalErrors: 0, retries: 3, attemptTimeouts: 1, malformedAnswers: 0, rowTimeouts: 0, dropped: 1, failed: 0,
    promptTokens: 1200, completionTokens: 300, totalTokens: 1500, ...over,
  });
  const job = (over: Partial<AdminJobSnapshot> = {}): AdminJobSnapshot => ({
    id: 'reviews',
    file: '/jobs/reviews.sql',
    state: 'RUNNING',
    restarts: 1,
    lastFailure: { error: 'boom', at: 1_700_000_000_000 },
    pipelines: [
      {
        name: 'INSERT INTO scored',
        state: 'RUNNING',
        stats,
        inFlight: 4,
        partitions: [
          { topic: 'reviews', partition: 0, committedOffset: '120', endOffset: '150', lag: 30 },
          { topic: 'reviews', partition: 1, committedOffset: '95', endOffset: '95', lag: 0 },
          { topic: 'reviews', partition: 2 },
        ],
      },
    ],
    models: [
      {
        model: 'priced',
        stats: modelStats({
          cost: 0.0061,
          contextOverflow: { action: 'skipped-log', rows: 4 },
          limiter: {
            quotaKey: 'openai|https://api.example|gpt',
            requestsPerMinute: 450,
            tokensPerMinute: undefined,
            maxConcurrent: undefined,
            queued: 7,
            inFlight: 2,
            pausedUntil: 1_700_000_030_000,
            rateFactor: 0.75,
            throttles: 3,
            rateDecreases: 1,
            abandoned: 0,
            backend: 'local',
          },
        }),
      },
      { model: 'free', stats: modelStats() },
    ],
    ...over,
  });

  it('renders lag, committed and end offsets per topic-partition, the limiter hook, context overflows, and cost only for priced models', async () => {
    const metrics = new DaemonMetrics('9.9.9');
    const m = parseWithPrometheusClient(await metrics.render([job()], []));
    const p0 = { job: 'reviews', pipeline: 'INSERT INTO scored', topic: 'reviews', partition: '0' };
    expect(valueOf(m, 'predictd_source_lag', p0)).toBe(30);
    expect(valueOf(m, 'predictd_source_committed_offset', p0)).toBe(120);
    expect(valueOf(m, 'predictd_source_end_offset', p0)).toBe(150);
    expect(valueOf(m, 'predictd_source_lag', { ...p0, partition: '1' })).toBe(0);
    // A partition whose offsets are not known yet has no series rather than a made-up 0.
    expect(samplesOf(m, 'predictd_source_lag', { ...p0, partition: '2' })).toEqual([]);

    const priced = { job: 'reviews', model: 'priced' };
    expect(valueOf(m, 'predictd_model_cost_total', priced)).toBeCloseTo(0.0061, 12);
    expect(samplesOf(m, 'predictd_model_cost_total', { model: 'free' })).toEqual([]);
    expect(valueOf(m, 'predictd_limiter_requests_per_minute', priced)).toBe(450);
    expect(valueOf(m, 'predictd_limiter_queued', priced)).toBe(7);
    expect(valueOf(m, 'predictd_limiter_paused_until_timestamp_seconds', priced)).toBe(1_700_000_030);
    expect(samplesOf(m, 'predictd_limiter_queued', { model: 'free' })).toEqual([]);
    expect(valueOf(m, 'predictd_model_context_overflow_total', { ...priced, action: 'skipped-log' })).toBe(4);
    expect(samplesOf(m, 'predictd_model_context_overflow_total', { model: 'free' })).toEqual([]);

    // The failure kinds are exclusive: the timeout is not counted again as transient.
    expect(['throttled', 'timeout', 'malformed', 'transient', 'fatal'].map((kind) => valueOf(m, 'predictd_model_errors_total', { ...priced, kind }))).toEqual([2, 1, 0, 0, 0]);
    expect(valueOf(m, 'predictd_rows_failed_total', { job: 'reviews', stage: 'predict', action: 'dropped' })).toBe(1);
    expect(samplesOf(m, 'predictd_predictions_dropped_total')).toEqual([]);
    expect(samplesOf(m, 'predictd_job_up')).toEqual([]);
    expect(valueOf(m, 'predictd_job_last_failure_timestamp_seconds', { job: 'reviews' })).toBe(1_700_000_000);
    expect(valueOf(m, 'predictd_build_info', { version: '9.9.9' })).toBe(1);
  });

  it('keeps a histogram across restart attempts of a job and drops it with the job', async () => {
    const metrics = new DaemonMetrics('9.9.9');
    metrics.rowLatency('reviews', 'INSERT INTO scored').observe(0.3);
    // A restart attempt binds the pipeline again: same series, counts kept.
    metrics.rowLatency('reviews', 'INSERT INTO scored').observe(70);
    metrics.requestDuration('reviews', 'priced').ok.observe(0.02);
    const labels = { job: 'reviews', pipeline: 'INSERT INTO scored' };
    let m = parseWithPrometheusClient(await metrics.render([job()], []));
    expect(valueOf(m, 'predictd_row_latency_seconds_count', labels)).toBe(2);
    expect(valueOf(m, 'predictd_row_latency_seconds_bucket', { ...labels, le: '0.5' })).toBe(1);
    expect(valueOf(m, 'predictd_row_latency_seconds_bucket', { ...labels, le: '60' })).toBe(1);
    expect(valueOf(m, 'predictd_row_latency_seconds_sum', labels)).toBeCloseTo(70.3, 9);
    expect(valueOf(m, 'predictd_model_request_duration_seconds_count', { model: 'priced', outcome: 'ok' })).toBe(1);
    expect(valueOf(m, 'predictd_model_request_duration_seconds_count', { model: 'priced', outcome: 'throttled' })).toBe(0);

    m = parseWithPrometheusClient(await metrics.render([], []));
    expect(samplesOf(m, 'predictd_row_latency_seconds_count')).toEqual([]);
    expect(samplesOf(m, 'predictd_model_request_duration_seconds_count')).toEqual([]);
    expect(samplesOf(m, 'predictd_records_in_total')).toEqual([]);
  });

  it('shows an INVALID job file in the state set', async () => {
    const metrics = new DaemonMetrics('9.9.9');
    const m = parseWithPrometheusClient(await metrics.render([], [{ id: 'broken', file: '/jobs/broken.sql', error: 'x' }]));
    expect(valueOf(m, 'predictd_job_state', { job: 'broken', state: 'INVALID' })).toBe(1);
    expect(valueOf(m, 'predictd_job_state', { job: 'broken', state: 'RUNNING' })).toBe(0);
    expect(valueOf(m, 'predictd_invalid_job_files')).toBe(1);
  });
});
