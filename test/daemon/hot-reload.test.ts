import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';

/** An unbounded job: 40 generated rows a second, labelled by the offline model, printed under `identifier`. */
const job = (identifier: string) => `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '40', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW happy AS SELECT id, 'a good day' AS t FROM ticks;
CREATE MODEL mood INPUT (t STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
CREATE TEMPORARY TABLE out (id BIGINT, label STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = '${identifier}');
INSERT INTO out SELECT id, label FROM ML_PREDICT(TABLE happy, MODEL mood, DESCRIPTOR(t));
`;

describe('hot reload of job files', () => {
  let harness: DaemonHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('starts, replaces and stops jobs as files come, change and go; a broken change keeps the old job', async () => {
    harness = await startDaemon({}, { 'jobs.reloadDebounceMs': 50 });
    const file = join(harness.dir, 'moods.sql');
    await writeFile(file, job('v1'));
    await waitFor('rows from v1', () => harness!.printed().some((r) => r.startsWith('v1> +I[') && r.endsWith(', positive]')), 20_000);
    expect(harness.daemon.jobs().map((j) => [j.id, j.state])).toEqual([['moods', 'RUNNING']]);

    await writeFile(file, job('v2'));
    await waitFor('rows from v2', () => harness!.printed().some((r) => r.startsWith('v2> ')), 20_000);
    expect(harness.logs.some((l) => l['msg'] === 'job restarted')).toBe(true);

    await writeFile(file, `${job('v3')}\nINSERT INTO out SELECT id, FROM happy;`);
    const error = await waitFor('the reload error', () => harness!.logs.find((l) => String(l['msg']).includes('the running job keeps running')), 20_000);
    expect(String(error['errors'])).toMatch(/moods\.sql:\d+:\d+: .*\[PD1003\]/);
    const before = harness.printed().filter((r) => r.startsWith('v2> ')).length;
    await waitFor('v2 to keep running', () => harness!.printed().filter((r) => r.startsWith('v2> ')).length > before + 5, 20_000);
    expect(harness.printed().some((r) => r.startsWith('v3> '))).toBe(false);

    await rm(file);
    await waitFor('the job to stop', () => harness!.daemon.jobs().length === 0, 20_000);
  }, 60_000);
});
