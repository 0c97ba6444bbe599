import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../broker/local-kafka-broker.js';
import { startDaemon, type DaemonHarness } from '../e2e/support/daemon-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'cli-test-token-5f2c';

const MOODS = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW happy AS SELECT id, 'a good day' AS t FROM ticks;
CREATE MODEL mood INPUT (t STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
CREATE TEMPORARY TABLE out (id BIGINT, label STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'moods');
INSERT INTO out SELECT id, label FROM ML_PREDICT(TABLE happy, MODEL mood, DESCRIPTOR(t));
`;

const FINITE = `
CREATE TEMPORARY VIEW v(n) AS VALUES (1), (2), (3);
CREATE TEMPORARY TABLE out (n INT) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'finite');
INSERT INTO out SELECT n FROM v;
`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function predictd(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, PREDICTD_LOG_LEVEL: 'silent', PREDICTD_ADMIN_TOKEN: '', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent('predictd commands without a daemon', () => {
  it('suggests the command meant, exits 2 on usage errors and 3 when the daemon does not answer', async () => {
    const typo = await predictd(['stauts']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown command 'stauts'; did you mean 'status'?");
    expect((await predictd(['pause'])).code).toBe(2);
    expect((await predictd(['status', '--interval', 'soon'])).code).toBe(2);
    const closed = await freePort();
    const down = await predictd(['status', '--admin', `http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`the daemon's admin API at http://127.0.0.1:${closed} does not answer`);
    expect((await predictd(['restart', 'x', '--admin', `http://127.0.0.1:${closed}`])).code).toBe(3);
  }, 120_000);

  it('gives each command its own --help', async () => {
    const pause = await predictd(['pause', '--help']);
    expect([pause.code, pause.stdout]).toEqual([0, expect.stringContaining('Usage: predictd pause JOB')]);
    expect(pause.stdout).toContain('3 the daemon does not answer');
    const status = await predictd(['help', 'status']);
    expect([status.code, status.stdout]).toEqual([0, expect.stringContaining('Usage: predictd status')]);
    const top = await predictd(['--help']);
    for (const c of ['status', 'pause JOB', 'resume JOB', 'restart JOB']) expect(top.stdout).toContain(`predictd ${c}`);
  }, 120_000);
});

describe('predictd status, pause, resume, restart against a daemon', () => {
  let harness: DaemonHarness;
  let admin: string;
  beforeAll(async () => {
    const port = await freePort();
    admin = `http://127.0.0.1:${port}`;
    harness = await startDaemon({ 'moods.sql': MOODS, 'finite.sql': FINITE }, { 'admin.port': port, 'admin.token': TOKEN });
  });
  afterAll(() => harness.stop());

  it('pauses, resumes and restarts a job with the token, refuses without it, and suggests a job name', async () => {
    const refused = await predictd(['pause', 'moods', '--admin', admin]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(pass --token or set PREDICTD_ADMIN_TOKEN)');
    const paused = await predictd(['pause', 'moods', '--admin', admin], { PREDICTD_ADMIN_TOKEN: TOKEN });
    expect([paused.code, paused.stdout]).toEqual([0, 'moods: pause requested (state PAUSED, target state PAUSED)\n']);
    expect(harness.daemon.jobManager.job('moods')!.state).toBe('PAUSED');
    const typo = await predictd(['resume', 'mods', '--admin', admin, '--token', TOKEN]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("no job 'mods'; did you mean 'moods'?");
    expect((await predictd(['resume', 'moods', '--admin', admin, '--token', TOKEN])).code).toBe(0);
    expect(harness.daemon.jobManager.job('moods')!.state).toBe('RUNNING');
    expect((await predictd(['restart', 'finite', '--admin', admin, '--token', TOKEN])).code).toBe(0);
  }, 120_000);

  it('prints a table with a progress line per bounded job, and redraws it with --watch until Ctrl-C', async () => {
    const run = await predictd(['status', '--admin', admin]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['JOB', 'STATE', 'IN/S', 'OUT/S', 'LAG', 'IN-FLIGHT', 'ERRORS', 'TOKENS', 'COST']);
    expect(lines.some((l) => /^moods\s+(RUNNING|PAUSED)\s/.test(l))).toBe(true);
    expect(lines).toContain('finite: 3/3 rows (100%)');

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'status', '--watch', '--interval', '0.2', '--admin', admin], { cwd: ROOT, env: { ...process.env, PREDICTD_ADMIN_TOKEN: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    while ((out.match(/^JOB\s/gm) ?? []).length < 2) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 120_000);
});
