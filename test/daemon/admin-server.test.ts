import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminServer, type AdminJobSnapshot, type AdminSource } from '../../src/daemon/admin-server.js';
import { DaemonMetrics } from '../../src/daemon/daemon-metrics.js';
import type { PipelineStats } from '../../src/runtime/pipeline.js';
import type { ModelStats } from '../../src/providers/index.js';
import { freePort } from '../broker/local-kafka-broker.js';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';

const SECRET = 'sk-should-not-leak-123';
/** Only in a file that does not compile: the daemon never learns it, so only the excerpt stripping keeps it in. */
const FILE_SECRET = 'sk-invalid-file-secret-456';

/** Unbounded: 40 generated rows a second, labelled by the offline model. */
const MOODS = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '40', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW happy AS SELECT id, 'a good day' AS t FROM ticks;
CREATE MODEL mood INPUT (t STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
CREATE TEMPORARY TABLE out (id BIGINT, label STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'moods');
INSERT INTO out SELECT id, label FROM ML_PREDICT(TABLE happy, MODEL mood, DESCRIPTOR(t));
`;

/** A model with a key, at an address where nothing listens: every call fails and IGNORE drops the row. */
const LEAKY = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW asks AS SELECT id, 'hello' AS t FROM ticks;
CREATE MODEL leaky_model INPUT (t STRING) OUTPUT (answer STRING) WITH (
  'provider' = 'openai', 'endpoint' = 'http://127.0.0.1:1/v1/chat/completions', 'api-key' = '${SECRET}', 'model' = 'gpt-4o-mini',
  'error-handling-strategy' = 'IGNORE');
CREATE TEMPORARY TABLE out (id BIGINT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'leaky');
INSERT INTO out SELECT id, answer FROM ML_PREDICT(TABLE asks, MODEL leaky_model, DESCRIPTOR(t));
`;

/** Compiles, then fails on its one row: CAST of a bad number fails the job (deterministic, no network); no restarts. */
const BROKEN = `
SET 'restart-strategy.type' = 'none';
CREATE TEMPORARY VIEW bad(s) AS VALUES ('not a number');
CREATE TEMPORARY TABLE out (n INT) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'broken');
INSERT INTO out SELECT CAST(s AS INT) FROM bad;
`;

/** An unknown option on the line that holds a key: the error's source excerpt would show the key. */
const INVALID = `
CREATE MODEL m INPUT (t STRING) OUTPUT (a STRING) WITH ('provider' = 'openai', 'endpoint' = 'http://127.0.0.1:1/v1', 'model' = 'x', 'api-key' = '${FILE_SECRET}', 'bogus-option' = '1');
`;

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: throws on any line it does not understand
 * (test/daemon/metrics.test.ts also runs the Prometheus client's own parser).
 */
function parsePrometheus(text: string): Sample[] {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        expect(types.has(meta[2]!), `TYPE of ${meta[2]} given twice`).toBe(false);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const [, name, rawLabels, rawValue] = m;
    const family = /^(.*)_(bucket|sum|count)$/.exec(name!)?.[1];
    expect(types.has(name!) || (family !== undefined && types.get(family) === 'histogram'), `${name} has no TYPE before its samples`).toBe(true);
    const labels: Record<string, string> = {};
    if (rawLabels) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/y;
      let at = 0;
      while (at < rawLabels.length) {
        re.lastIndex = at;
        const l = re.exec(rawLabels);
        if (!l) throw new Error(`bad labels: ${rawLabels}`);
        labels[l[1]!] = l[2]!.replace(/\\(\\|"|n)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        at = re.lastIndex;
      }
    }
    const value = Number(rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : rawValue);
    // Prometheus parses values with Go's ParseFloat: 'NaN' in any case (prom-client writes 'Nan' for an empty event-loop histogram).
    if (rawValue!.toLowerCase() !== 'nan' && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    expect(seen.has(key), `duplicate series ${key}`).toBe(false);
    seen.add(key);
    samples.push({ name: name!, labels, value });
  }
  return samples;
}

function sample(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** The sum over every sample of `name` whose labels include `labels` (e.g. a histogram's count over its outcomes). */
function total(samples: readonly Sample[], name: string, labels: Record<string, string>): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

describe('admin HTTP server of a running daemon', () => {
  let harness: DaemonHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('answers /healthz, /readyz, /jobs, /jobs/{id} and /metrics, and never shows a key', async () => {
    const port = await freePort();
    harness = await startDaemon({ 'moods.sql': MOODS, 'leaky.sql': LEAKY }, { 'admin.port': port, 'jobs.reloadDebounceMs': 50 });
    const bodies: string[] = [];
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
      const body = await res.text();
      bodies.push(body);
      return { status: res.status, type: res.headers.get('content-type') ?? '', body };
    };

    const health = await get('/healthz');
    expect([health.status, health.body.trim(), health.type]).toEqual([200, 'ok', 'text/plain; charset=utf-8']);

    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, state: 'RUNNING', failedJobs: [], invalidFiles: [] });

    const jobs = await get('/jobs');
    expect(jobs.type).toMatch(/^application\/json/);
    const list = JSON.parse(jobs.body) as { jobs: Array<{ id: string; state: string; pipelines: Array<{ name: string; state: string; inFlight: number; stats: PipelineStats }>; models: Array<{ model: string; stats: ModelStats }> }>; invalid: unknown[] };
    expect(list.jobs.map((j) => [j.id, j.state]).sort()).toEqual([['leaky', 'RUNNING'], ['moods', 'RUNNING']]);
    expect(list.invalid).toEqual([]);
    const moods = list.jobs.find((j) => j.id === 'moods')!;
    expect(moods.pipelines).toEqual([{ name: 'INSERT INTO out', state: 'RUNNING', inFlight: expect.any(Number), stats: expect.objectContaining({ recordsIn: expect.any(Number), rowsOut: expect.any(Number) }) }]);
    expect(moods.models.map((m) => m.model)).toEqual(['mood']);

    const one = await get('/jobs/moods');
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toMatchObject({ id: 'moods', state: 'RUNNING', pipelines: [{ name: 'INSERT INTO out' }] });
    expect((await get('/jobs/nope')).status).toBe(404);
    expect((await get('/nope')).status).toBe(404);
    const post = await get('/jobs', { method: 'POST' });
    expect(post.status).toBe(405);

    const metrics = await get('/metrics');
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const first = parsePrometheus(metrics.body);
    const moodLabels = { job: 'moods', pipeline: 'INSERT INTO out' };
    const before = sample(first, 'predictd_records_in_total', moodLabels)!;
    expect(before).toBeGreaterThanOrEqual(0);
    for (const name of ['predictd_rows_out_total', 'predictd_null_inputs_dropped_total', 'predictd_sink_retries_total', 'predictd_in_flight', 'predictd_row_latency_seconds_count']) {
      expect(sample(first, name, moodLabels), name).toBeGreaterThanOrEqual(0);
    }
    expect(sample(first, 'predictd_job_state', { job: 'moods', state: 'RUNNING' })).toBe(1);
    expect(sample(first, 'predictd_job_state', { job: 'moods', state: 'FAILED' })).toBe(0);
    expect(sample(first, 'predictd_model_request_duration_seconds_count', { job: 'moods', model: 'mood', outcome: 'ok' })).toBeGreaterThanOrEqual(0);
    await waitFor('records_in to grow', async () => {
      const now = sample(parsePrometheus((await get('/metrics')).body), 'predictd_records_in_total', moodLabels)!;
      return now > before + 5;
    }, 20_000);
    // The keyed model is called (and fails: nothing listens there): its counters move.
    await waitFor('requests to the keyed model', async () => {
      const samples = parsePrometheus((await get('/metrics')).body);
      return total(samples, 'predictd_model_request_duration_seconds_count', { job: 'leaky', model: 'leaky_model', outcome: 'error' }) > 0;
    }, 20_000);

    // A job that fails at runtime and a file that does not compile.
    await writeFile(join(harness.dir, 'broken.sql'), BROKEN);
    await writeFile(join(harness.dir, 'invalid.sql'), INVALID);
    const notReady = await waitFor('/readyz to turn 503', async () => {
      const r = await get('/readyz');
      const body = JSON.parse(r.body) as { failedJobs: Array<{ id: string; error: string }>; invalidFiles: Array<{ id: string; errors: string[] }> };
      return r.status === 503 && body.invalidFiles.length > 0 ? body : undefined;
    }, 20_000);
    expect(notReady.failedJobs.map((j) => j.id)).toContain('broken');
    expect(notReady.failedJobs.find((j) => j.id === 'broken')!.error).toMatch(/not a number|CAST/i);
    expect(notReady.invalidFiles.map((f) => f.id)).toEqual(['invalid']);
    expect(notReady.invalidFiles[0]!.errors).toEqual([expect.stringMatching(/invalid\.sql:2:\d+: .*bogus-option.*\[PD\d{4}\]$/)]);

    const after = JSON.parse((await get('/jobs')).body) as { jobs: Array<{ id: string; state: string; error?: string }>; invalid: Array<{ id: string; errors: string[] }> };
    expect(after.jobs.find((j) => j.id === 'broken')).toMatchObject({ state: 'FAILED', error: expect.any(String) });
    expect(after.invalid.map((i) => i.id)).toEqual(['invalid']);
    const invalidOne = await get('/jobs/invalid');
    expect(invalidOne.status).toBe(200);
    expect(JSON.parse(invalidOne.body)).toMatchObject({ id: 'invalid', state: 'INVALID', position: expect.stringMatching(/invalid\.sql:2:\d+$/), fileErrors: [expect.stringContaining('invalid.sql:2:')] });
    expect(after.jobs.find((j) => j.id === 'invalid')).toMatchObject({ state: 'INVALID', error: expect.stringContaining('bogus-option') });
    const last = parsePrometheus((await get('/metrics')).body);
    expect(sample(last, 'predictd_job_state', { job: 'broken', state: 'FAILED' })).toBe(1);
    expect(sample(last, 'predictd_invalid_job_files', {})).toBe(1);
    expect(sample(last, 'predictd_job_state', { job: 'invalid', state: 'INVALID' })).toBe(1);
    expect(sample(last, 'predictd_job_restarts_total', { job: 'broken' })).toBe(0);
    expect(sample(last, 'predictd_job_last_failure_timestamp_seconds', { job: 'broken' })).toBeGreaterThan(Date.now() / 1000 - 60);

    await get('/jobs/leaky');
    expect(bodies.length).toBeGreaterThan(15);
    for (const body of bodies) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(FILE_SECRET);
      expect(body).not.toContain('api-key');
    }

    // stop() closes the server first.
    await harness.daemon.stop();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('is off with admin.port 0, and a port in use fails the start', async () => {
    harness = await startDaemon({});
    expect(harness.daemon.config.admin.port).toBe(0);
    await harness.stop();
    harness = undefined;

    const port = await freePort();
    harness = await startDaemon({}, { 'admin.port': port });
    await expect(startDaemon({}, { 'admin.port': port })).rejects.toThrow(new RegExp(`admin server cannot listen on 127\\.0\\.0\\.1:${port}`));
  }, 30_000);
});

describe('AdminServer', () => {
  let server: AdminServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const stats: PipelineStats = {
    recordsIn: 3, rowsOut: 2, nullInputsDropped: 0, predictionsDropped: 1, modelCalls: 3, sinkRetries: 0,
    failures: { decode: { deadLettered: 4, dropped: 0 }, transform: { deadLettered: 0, dropped: 0 }, predict: { deadLettered: 0, dropped: 1 }, sink: { deadLettered: 0, dropped: 0 } },
    deadLetterRetries: 2,
  };
  const modelStats: ModelStats = {
    rows: 3, requests: 4, succeeded: 2, throttled: 1, transientErrors: 9, fatalErrors: 1, retries: 1, attemptTimeouts: 6, malformedAnswers: 2, rowTimeouts: 1, dropped: 1, failed: 0, promptTokens: 10, completionTokens: 5, totalTokens: 15,
  };
  const odd = 'we"ird\\job\nid';
  const source = (over: Partial<AdminSource> = {}): AdminSource => {
    const metrics = new DaemonMetrics('0.0.0-test');
    const base: AdminSource = {
    daemon: () => ({ state: 'RUNNING', loaded: true }),
    jobs: (): AdminJobSnapshot[] => [
      {
        id: odd,
        file: '/jobs/x.sql',
        state: 'RUNNING',
        pipelines: [
          { name: 'INSERT INTO out', state: 'RUNNING', stats, inFlight: 2 },
          { name: 'INSERT INTO out', state: 'RUNNING', stats, inFlight: 0 },
        ],
        models: [{ model: 'm', stats: modelStats }],
        restarts: 0,
      },
    ],
    invalid: () => [],
    scrub: (t) => t.replaceAll('hunter22', '***'),
    metrics: async () => ({ contentType: metrics.contentType, text: await metrics.render(base.jobs(), base.invalid()) }),
    ...over,
    };
    return base;
  };
  const noLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => noLog };

  it('escapes label values, keeps series apart and answers HEAD', async () => {
    server = await AdminServer.start({ host: '127.0.0.1', port: 0, source: source(), log: noLog });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('predictd_in_flight{job="we\\"ird\\\\job\\nid",pipeline="INSERT INTO out"} 2\n');
    expect(text).toContain('predictd_in_flight{job="we\\"ird\\\\job\\nid",pipeline="INSERT INTO out #2"} 0\n');
    expect(text).toContain('predictd_model_tokens_total{job="we\\"ird\\\\job\\nid",model="m",type="input"} 10\n');
    expect(text).toContain('predictd_model_errors_total{job="we\\"ird\\\\job\\nid",model="m",kind="throttled"} 1\n');
    const samples = parsePrometheus(text);
    expect(sample(samples, 'predictd_records_in_total', { job: odd, pipeline: 'INSERT INTO out' })).toBe(3);
    expect(sample(samples, 'predictd_model_errors_total', { job: odd, model: 'm', kind: 'timeout' })).toBe(6);
    expect(sample(samples, 'predictd_model_row_timeouts_total', { job: odd, model: 'm' })).toBe(1);
    expect(sample(samples, 'predictd_model_errors_total', { job: odd, model: 'm', kind: 'malformed' })).toBe(2);
    expect(sample(samples, 'predictd_model_errors_total', { job: odd, model: 'm', kind: 'transient' })).toBe(1);
    expect(sample(samples, 'predictd_rows_failed_total', { job: odd, pipeline: 'INSERT INTO out', stage: 'decode', action: 'dead_lettered' })).toBe(4);
    expect(sample(samples, 'predictd_rows_failed_total', { job: odd, pipeline: 'INSERT INTO out', stage: 'predict', action: 'dropped' })).toBe(1);
    expect(sample(samples, 'predictd_dead_letter_retries_total', { job: odd, pipeline: 'INSERT INTO out' })).toBe(2);
    const head = await fetch(`${server.url}/jobs`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    const del = await fetch(`${server.url}/metrics`, { method: 'DELETE' });
    expect([del.status, del.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await fetch(`${server.url}/jobs/${encodeURIComponent(odd)}`)).status).toBe(200);
  });

  it('reports not ready while loading or stopping, and scrubs every body', async () => {
    let state = { state: 'RUNNING', loaded: false };
    server = await AdminServer.start({
      host: '127.0.0.1',
      port: 0,
      log: noLog,
      source: source({
        daemon: () => state,
        jobs: () => [{ id: 'j', file: '/jobs/j.sql', state: 'FAILED', pipelines: [{ name: 'p', state: 'FAILED', error: 'bad key hunter22', stats, inFlight: 0 }], models: [], restarts: 0 }],
        invalid: () => [{ id: 'k', file: '/jobs/k.sql', error: "/jobs/k.sql:1:5: unknown option 'x' [PD2006]\n  CREATE MODEL ... 'hunter22'\n      ^^^" }],
      }),
    });
    const r1 = await fetch(`${server.url}/readyz`);
    const b1 = (await r1.json()) as { reasons: string[]; failedJobs: Array<{ error: string }>; invalidFiles: Array<{ errors: string[] }> };
    expect(r1.status).toBe(503);
    expect(b1.reasons).toEqual(['the job files are still loading', 'failed jobs: j', 'job files that do not compile: k']);
    expect(b1.failedJobs[0]!.error).toBe('bad key ***');
    expect(b1.invalidFiles[0]!.errors).toEqual(["/jobs/k.sql:1:5: unknown option 'x' [PD2006]"]);
    state = { state: 'STOPPING', loaded: true };
    const b2 = (await (await fetch(`${server.url}/readyz`)).json()) as { reasons: string[] };
    expect(b2.reasons[0]).toBe('the daemon is STOPPING');
    const all = await (await fetch(`${server.url}/jobs`)).text();
    expect(all).not.toContain('hunter22');
    await Promise.all([server.stop(), server.stop()]);
  });
});
