import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../broker/local-kafka-broker.js';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';

/** Unbounded: 50 generated rows a second, labelled by the offline model. */
const MOODS = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '50', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW happy AS SELECT id, 'a good day' AS t FROM ticks;
CREATE MODEL mood INPUT (t STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
CREATE TEMPORARY TABLE out (id BIGINT, label STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'moods');
INSERT INTO out SELECT id, label FROM ML_PREDICT(TABLE happy, MODEL mood, DESCRIPTOR(t));
`;

/** Fails at creation while the variable is unset, and the strategy gives up at once: FAILED for good. */
const keyed = (variable: string) => `
SET 'restart-strategy.type' = 'none';
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.id.kind' = 'sequence');
CREATE MODEL m INPUT (t STRING) OUTPUT (answer STRING) WITH ('provider' = 'openai', 'endpoint' = 'http://127.0.0.1:1/v1/chat/completions', 'api-key' = '\${${variable}}', 'model' = 'gpt-4o-mini', 'error-handling-strategy' = 'IGNORE', 'retry-num' = '0');
CREATE TEMPORARY VIEW asks AS SELECT id, 'hello' AS t FROM ticks;
CREATE TEMPORARY TABLE out (id BIGINT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'keyed');
INSERT INTO out SELECT id, answer FROM ML_PREDICT(TABLE asks, MODEL m, DESCRIPTOR(t));
`;

interface Status {
  id: string;
  state: string;
  targetState: string;
  restarts: number;
  recordsIn: number;
  rowsOut: number;
  rates: { inPerSec: number; outPerSec: number };
  errors: Record<string, number>;
  lastError: { message: string; at: string; position?: string } | null;
  pipelines: Array<{ name: string; state: string; partitions: unknown[] }>;
}

describe('admin API: job control', () => {
  let harness: DaemonHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function start(files: Record<string, string>, settings: Record<string, unknown> = {}) {
    const port = await freePort();
    harness = await startDaemon(files, { 'admin.port': port, ...settings });
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, init: RequestInit = {}) => {
      const res = await fetch(`${base}${path}`, { method, ...init });
      const text = await res.text();
      return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as Record<string, unknown>, headers: res.headers };
    };
    const status = async (id: string) => (await call('GET', `/jobs/${id}/status`)).body as unknown as Status;
    return { harness, call, status };
  }

  it('pauses and resumes a job on loopback (202), keeps the pause across a reload of the file, and answers status', async () => {
    const { harness: h, call, status } = await start({ 'moods.sql': MOODS });
    await waitFor('rows flowing', async () => (await status('moods')).rowsOut > 20);

    const paused = await call('PUT', '/jobs/moods/pause');
    expect(paused.status).toBe(202);
    expect(paused.body).toMatchObject({ id: 'moods', state: 'PAUSED', targetState: 'PAUSED' });
    // Within a second nothing more is read or written.
    await new Promise((r) => setTimeout(r, 1000));
    const a = await status('moods');
    await new Promise((r) => setTimeout(r, 1000));
    const b = await status('moods');
    expect([a.state, a.targetState]).toEqual(['PAUSED', 'PAUSED']);
    expect([b.recordsIn, b.rowsOut]).toEqual([a.recordsIn, a.rowsOut]);

    // A changed file replaces the job: the new one starts PAUSED (Kafka Connect's target state).
    await writeFile(join(h.dir, 'moods.sql'), `${MOODS}\n-- changed\n`);
    await waitFor('the reloaded job', () => h.logs.some((l) => l['msg'] === 'job restarted' && l['jobId'] === 'moods'));
    await waitFor('the new job PAUSED', async () => (await status('moods')).state === 'PAUSED');
    await new Promise((r) => setTimeout(r, 500));
    expect((await status('moods')).recordsIn).toBe(0);

    const resumed = await call('PUT', '/jobs/moods/resume');
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ state: 'RUNNING', targetState: 'STARTED' });
    // rows/s is sampled every second: the rate shows once two samples apart saw rows.
    const s = await waitFor('rows flowing again', async () => {
      const now = await status('moods');
      return now.rowsOut > 10 && now.rates.inPerSec > 0 ? now : undefined;
    });
    expect(s.errors).toEqual({ decode: 0, transform: 0, predict: 0, sink: 0, total: 0 });

    expect(await call('PUT', '/jobs/nope/pause')).toMatchObject({ status: 404, body: { error_code: 404, message: "no job 'nope'" } });
    expect((await call('GET', '/jobs/nope/status')).status).toBe(404);
    const wrongMethod = await call('GET', '/jobs/moods/pause');
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'PUT']);
    expect((await call('POST', '/jobs/moods/frobnicate')).status).toBe(404);
  }, 60_000);

  it('restarts a FAILED job into RUNNING, with its last error kept in the status', async () => {
    const variable = `PREDICTD_TEST_KEY_${randomBytes(4).toString('hex').toUpperCase()}`;
    try {
      const { call, status } = await start({ 'keyed.sql': keyed(variable) });
      const failed = await waitFor('FAILED', async () => {
        const s = await status('keyed');
        return s.state === 'FAILED' ? s : undefined;
      });
      expect(failed.lastError?.position).toMatch(/keyed\.sql:4:\d+$/);
      process.env[variable] = 'sk-now-set';
      const res = await call('POST', '/jobs/keyed/restart');
      expect(res.status).toBe(202);
      const running = await waitFor('RUNNING again', async () => {
        const s = await status('keyed');
        return s.state === 'RUNNING' ? s : undefined;
      });
      expect(running.restarts).toBe(1);
      expect(running.lastError?.message).toContain(variable);
    } finally {
      delete process.env[variable];
    }
  }, 60_000);

  it('restarts a paused job into PAUSED (the target state survives), and a running one into RUNNING', async () => {
    const { harness: h, call, status } = await start({ 'moods.sql': MOODS });
    await waitFor('rows flowing', async () => (await status('moods')).rowsOut > 5);
    expect((await call('PUT', '/jobs/moods/pause')).status).toBe(202);
    const first = h.daemon.jobManager.job('moods')!;
    const seen: string[] = [];
    first.onStateChange((state) => seen.push(state));
    expect((await call('POST', '/jobs/moods/restart')).status).toBe(202);
    const again = await waitFor('PAUSED after the restart', async () => {
      const s = await status('moods');
      return s.restarts === 1 && s.state === 'PAUSED' ? s : undefined;
    });
    expect(seen).toEqual(['RESTARTING', 'PAUSED']);
    // Counters carry over restarts (they never go backwards): the restarted, paused attempt reads nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await status('moods')).recordsIn).toBe(again.recordsIn);
    expect(h.daemon.jobManager.job('moods')).toBe(first);
    expect((await call('PUT', '/jobs/moods/resume')).status).toBe(202);
    expect((await call('POST', '/jobs/moods/restart')).status).toBe(202);
    await waitFor('RUNNING after the second restart', async () => {
      const s = await status('moods');
      return s.restarts === 2 && s.state === 'RUNNING' && s.rowsOut > 0;
    });
    expect(h.logs.filter((l) => l['msg'] === 'job restart requested')).toHaveLength(2);
  }, 60_000);

  it('refuses PUT/POST with 403 on a non-loopback listener without a token, and needs the token once one is set', async () => {
    const open = await start({ 'moods.sql': MOODS }, { 'admin.host': '0.0.0.0' });
    const refused = await open.call('PUT', '/jobs/moods/pause');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error_code: 403, message: expect.stringContaining('admin.token is not set') });
    expect((await open.call('POST', '/validate', { body: 'SELECT 1' })).status).toBe(403);
    // Reads stay open.
    expect((await open.call('GET', '/jobs/moods/status')).status).toBe(200);
    await harness!.stop();
    harness = undefined;

    const token = `t-${randomBytes(12).toString('hex')}`;
    const guarded = await start({ 'moods.sql': MOODS }, { 'admin.host': '0.0.0.0', 'admin.token': token });
    expect((await guarded.call('PUT', '/jobs/moods/pause')).status).toBe(403);
    expect((await guarded.call('PUT', '/jobs/moods/pause', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await guarded.call('PUT', '/jobs/moods/pause', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(202);
    expect(JSON.stringify(harness!.logs)).not.toContain(token);
    await harness!.stop();
    harness = undefined;

    // A token set on a loopback listener is still required.
    const local = await start({ 'moods.sql': MOODS }, { 'admin.token': token });
    expect((await local.call('PUT', '/jobs/moods/pause')).status).toBe(403);
    expect((await local.call('PUT', '/jobs/moods/pause', { headers: { Authorization: `bearer ${token}` } })).status).toBe(202);
  }, 60_000);

  it('POST /validate answers the diagnostics of predictd validate without running anything, and bounds the body', async () => {
    const { call, harness: h } = await start({});
    const bad = await call('POST', '/validate?file=risk.sql', { body: "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');\nINSERT INTO t SELECT x FROM nowhere;\n" });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ file: 'risk.sql', valid: false });
    const errors = bad.body['errors'] as Array<{ code: string; line: number; col: number; position: string }>;
    expect(errors[0]).toMatchObject({ code: 'PD2005', line: 1, position: expect.stringMatching(/^risk\.sql:1:\d+$/) });
    const good = await call('POST', '/validate', { body: MOODS });
    expect(good.body).toMatchObject({ file: 'request.sql', valid: true, errors: [], warnings: [], summary: { tables: 2, views: 1, models: 1, pipelines: 1 } });
    expect(h.daemon.jobs()).toEqual([]);
    expect((await call('POST', '/validate', { body: '' })).status).toBe(400);
    const huge = await call('POST', '/validate', { body: `-- ${'x'.repeat(1024 * 1024 + 10)}` }).catch(() => ({ status: 413 }));
    expect(huge.status).toBe(413);
  }, 60_000);
});
