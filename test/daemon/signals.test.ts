import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopOnSignals } from '../../src/daemon/signals.js';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';

/** A bounded job: three rows through the offline model, printed under `identifier`. */
const job = (identifier: string) => `
CREATE TEMPORARY VIEW reviews(id, t) AS VALUES (1, 'a good day'), (2, 'awful'), (3, 'fine');
CREATE MODEL mood INPUT (t STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
CREATE TEMPORARY TABLE out (id INT, label STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = '${identifier}');
INSERT INTO out SELECT id, label FROM ML_PREDICT(TABLE reviews, MODEL mood, DESCRIPTOR(t));
`;

/** An unbounded job, to prove SIGHUP drains nothing. */
const ticking = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY TABLE out (id BIGINT) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'tick');
INSERT INTO out SELECT id FROM ticks;
`;

describe('signals', () => {
  let harness: DaemonHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('SIGHUP rescans an unwatched jobs folder: a new file starts, a changed one is replaced, a removed one stops; nothing else stops', async () => {
    harness = await startDaemon({ 'ticking.sql': ticking, 'old.sql': job('old') }, { 'jobs.watch': false });
    const signals = new EventEmitter();
    const exit = stopOnSignals(harness.daemon, { source: signals as unknown as NodeJS.Process });
    await waitFor('old rows', () => harness!.printed().filter((r) => r.startsWith('old> ')).length === 3);

    await writeFile(join(harness.dir, 'new.sql'), job('new'));
    await writeFile(join(harness.dir, 'old.sql'), job('old-v2'));
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.printed().some((r) => r.startsWith('new> '))).toBe(false); // not watched: nothing until SIGHUP

    signals.emit('SIGHUP', 'SIGHUP');
    await waitFor('the rescan', () => harness!.logs.some((l) => l['msg'] === 'SIGHUP: jobs folder rescanned'));
    await waitFor('new and replaced rows', () => harness!.printed().filter((r) => r.startsWith('new> ') || r.startsWith('old-v2> ')).length === 6);
    expect(harness.logs.some((l) => l['msg'] === 'SIGHUP: rescanning the jobs folder')).toBe(true);

    await rm(join(harness.dir, 'new.sql'));
    signals.emit('SIGHUP', 'SIGHUP');
    await waitFor('the removed job to go', () => !harness!.daemon.jobs().some((j) => j.id === 'new'));
    const ticks = harness.daemon.jobs().find((j) => j.id === 'ticking');
    expect(ticks?.state).toBe('RUNNING');
    expect(harness.daemon.state).toBe('RUNNING');
    expect(harness.logs.some((l) => l['msg'] === 'predictd stopping')).toBe(false);

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
  }, 60_000);

  it('takes the same signal twice within a second as one Ctrl-C (process group plus a forwarding parent); a later one exits at once', async () => {
    harness = await startDaemon({ 'ticking.sql': ticking }, { 'shutdown.timeoutMs': 10_000 });
    let now = 0;
    const signals = new EventEmitter();
    const exit = stopOnSignals(harness.daemon, { source: signals as unknown as NodeJS.Process, now: () => now });
    signals.emit('SIGINT', 'SIGINT');
    now = 200;
    signals.emit('SIGINT', 'SIGINT');
    expect(await exit).toBe(0);
    expect(harness.logs.some((l) => String(l['msg']).startsWith('second signal'))).toBe(false);

    harness = await startDaemon({ 'ticking.sql': ticking });
    const again = new EventEmitter();
    now = 0;
    const exit2 = stopOnSignals(harness.daemon, { source: again as unknown as NodeJS.Process, now: () => now });
    // A job that never drains within the test: the second, later signal must not wait for it.
    again.emit('SIGTERM', 'SIGTERM');
    now = 1_500;
    again.emit('SIGTERM', 'SIGTERM');
    expect(await exit2).toBe(1);
  }, 60_000);

  it('`npm start` exits 0 when Ctrl-C signals its whole process group', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-npm-start-'));
    try {
      await writeFile(join(dir, 'moods.sql'), job('moods'));
      const child = spawn('npm', ['start', '--', '--jobs', dir], {
        detached: true, // its own process group, as a terminal gives a foreground job
        env: { ...process.env, PREDICTD_ADMIN_PORT: '0', PREDICTD_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      await waitFor('the job to finish', () => out.includes('every job has finished'), 60_000);
      process.kill(-child.pid!, 'SIGINT');
      const result = await exited;
      expect(result, out.slice(-2000)).toEqual({ code: 0, signal: null });
      expect(out).toContain('predictd stopped');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
