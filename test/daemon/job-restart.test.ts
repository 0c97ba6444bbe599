import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/daemon/daemon.js';
import { loadDaemonConfig } from '../../src/daemon/daemon-config.js';
import { freePort } from '../broker/local-kafka-broker.js';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';

/** Fails on its one row (CAST of a bad number): a cheap, deterministic job failure; two restarts 300 ms apart. */
const FAILS = `
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '2';
SET 'restart-strategy.fixed-delay.delay' = '300 ms';
CREATE TEMPORARY VIEW bad(s) AS VALUES ('not a number');
CREATE TEMPORARY TABLE out (n INT) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'fails');
INSERT INTO out SELECT CAST(s AS INT) FROM bad;
`;

/** Its model's api-key names a variable nobody set (yet): the job fails at creation, at line 5. */
const keyed = (variable: string) => `
SET 'restart-strategy.exponential-delay.initial-backoff' = '200 ms';
SET 'restart-strategy.exponential-delay.max-backoff' = '400 ms';
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.id.kind' = 'sequence');
CREATE MODEL m INPUT (t STRING) OUTPUT (answer STRING) WITH ('provider' = 'openai', 'endpoint' = 'http://127.0.0.1:1/v1/chat/completions', 'api-key' = '\${${variable}}', 'model' = 'gpt-4o-mini', 'error-handling-strategy' = 'IGNORE');
CREATE TEMPORARY VIEW asks AS SELECT id, 'hello' AS t FROM ticks;
CREATE TEMPORARY TABLE out (id BIGINT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'keyed');
INSERT INTO out SELECT id, answer FROM ML_PREDICT(TABLE asks, MODEL m, DESCRIPTOR(t));
`;

/** Bounded: three rows, then FINISHED. */
const FINITE = `
CREATE TEMPORARY VIEW v(n) AS VALUES (1), (2), (3);
CREATE TEMPORARY TABLE out (n INT) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'finite');
INSERT INTO out SELECT n FROM v;
`;

interface JobView {
  id: string;
  state: string;
  error?: string;
  position?: string;
  attempt?: number;
  nextAttemptAt?: string;
  restarts: number;
  lastError?: { message: string; at: string; position?: string };
}

describe('jobs that heal themselves', () => {
  let harness: DaemonHarness | undefined;
  const variable = `PREDICTD_TEST_KEY_${randomBytes(4).toString('hex').toUpperCase()}`;
  afterEach(async () => {
    delete process.env[variable];
    await harness?.stop();
    harness = undefined;
  });

  it('restarts a failed job by its restart strategy, visibly, until the attempts are used up', async () => {
    const port = await freePort();
    harness = await startDaemon({ 'fails.sql': FAILS }, { 'admin.port': port });
    const jobs = async () => ((await (await fetch(`http://127.0.0.1:${port}/jobs`)).json()) as { jobs: JobView[] }).jobs;
    const restarting = await waitFor('the job to be RESTARTING', async () => (await jobs()).find((j) => j.state === 'RESTARTING'), 20_000, 20);
    expect(restarting).toMatchObject({ id: 'fails', attempt: expect.any(Number), nextAttemptAt: expect.any(String), error: expect.stringMatching(/not a number|CAST/i) });
    expect(restarting.lastError).toMatchObject({ message: restarting.error, at: expect.any(String) });
    expect(Date.parse(restarting.nextAttemptAt!)).toBeGreaterThanOrEqual(Date.parse(restarting.lastError!.at));

    const failed = await waitFor('the strategy to give up', async () => (await jobs()).find((j) => j.state === 'FAILED' && j.restarts === 2), 20_000, 50);
    expect(failed.attempt).toBeUndefined();
    expect(harness.logs.some((l) => l['msg'] === 'the restart strategy gives up: the job stays FAILED until its file changes or the daemon restarts')).toBe(true);
    const transitions = harness.logs.filter((l) => l['jobId'] === 'fails' && l['msg'] === `job ${String(l['state']).toLowerCase()}`).map((l) => l['state']);
    expect(transitions).toEqual(['RUNNING', 'FAILED', 'RESTARTING', 'RUNNING', 'FAILED', 'RESTARTING', 'RUNNING', 'FAILED']);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('predictd_job_restarts_total{job="fails"} 2\n');
    expect(metrics).toContain('predictd_job_state{job="fails",state="FAILED"} 1\n');
  }, 30_000);

  it('shows a job whose api-key names an unset variable as FAILED/RESTARTING at file:line:col, /readyz 503, and heals once the variable is set', async () => {
    const port = await freePort();
    harness = await startDaemon({ 'keyed.sql': keyed(variable) }, { 'admin.port': port });
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const failing = await waitFor('the job to fail at creation', async () => {
      const job = (await get('/jobs/keyed')).body as unknown as JobView;
      return job.state === 'RESTARTING' || job.state === 'FAILED' ? job : undefined;
    }, 20_000, 20);
    const where = `${join(harness.dir, 'keyed.sql')}:5:`;
    expect(failing.position).toMatch(new RegExp(`^${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d+$`));
    expect(failing.error).toBe(`${failing.position}: option 'api-key' names the environment variable ${variable}, which is not set [PD4202]`);
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body['reasons']).toEqual([expect.stringMatching(/^(failed|restarting) jobs: keyed$/)]);
    expect(ready.body['failedJobs']).toEqual([expect.objectContaining({ id: 'keyed', position: failing.position })]);

    process.env[variable] = 'sk-now-set';
    await waitFor('the job to run', async () => ((await get('/jobs/keyed')).body['state'] === 'RUNNING' ? true : undefined), 20_000, 50);
    const healed = (await get('/jobs/keyed')).body as unknown as JobView;
    expect(healed.restarts).toBeGreaterThanOrEqual(1);
    expect(healed.lastError?.position).toBe(failing.position);
    expect((await get('/readyz')).status).toBe(200);
  }, 30_000);

  it('/readyz stays 200 with admin.readyWhenJobsFail, and says when every job finished', async () => {
    const port = await freePort();
    harness = await startDaemon({ 'fails.sql': FAILS.replace("'fixed-delay';", "'none';"), 'finite.sql': FINITE }, { 'admin.port': port, 'admin.readyWhenJobsFail': true });
    await waitFor('the job to fail', () => harness!.daemon.jobs().find((j) => j.id === 'fails' && j.state === 'FAILED'), 20_000);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { failedJobs: unknown[] }).failedJobs).toEqual([expect.objectContaining({ id: 'fails', state: 'FAILED' })]);
    expect(harness.logs.some((l) => String(l['msg']).startsWith('every job has finished'))).toBe(false);

    await rm(join(harness.dir, 'fails.sql'));
    await waitFor('every job to have finished', () => harness!.logs.find((l) => String(l['msg']).startsWith('every job has finished; the jobs folder is still watched')), 20_000);
  }, 30_000);
});

describe('the jobs folder', () => {
  it('fails the start with PD5001 when it does not exist or is not a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-nojobs-'));
    try {
      const start = async (jobsDir: string) => {
        const daemon = await Daemon.create(loadDaemonConfig({ env: {}, overrides: { 'jobs.dir': jobsDir, 'admin.port': 0, 'log.level': 'silent' } }));
        await daemon.start();
      };
      await expect(start(join(dir, 'missing'))).rejects.toMatchObject({ code: 'PD5001', message: `the jobs folder ${join(dir, 'missing')} does not exist` });
      await writeFile(join(dir, 'file.sql'), '');
      await expect(start(join(dir, 'file.sql'))).rejects.toMatchObject({ code: 'PD5001', message: expect.stringMatching(/is not a folder$/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
