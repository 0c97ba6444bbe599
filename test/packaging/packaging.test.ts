import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const read = (path: string) => readFileSync(path, 'utf8');

/** systemd-analyze's verdict on the unit, or why it cannot be had here. */
async function exposure(): Promise<number | string> {
  try {
    const { stdout } = await run('systemd-analyze', ['security', '--offline=yes', 'docker/predictd.service'], { timeout: 60_000 });
    const m = /Overall exposure level for predictd\.service: (\d+(?:\.\d+)?)/.exec(stdout);
    return m ? Number(m[1]) : `no exposure line in: ${stdout.slice(-300)}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') return 'systemd-analyze is not installed';
    // Older systemd (< 252) has no --offline.
    if (/unrecognized option|offline/i.test(e.stderr ?? '')) return `this systemd-analyze cannot check a unit file offline: ${e.stderr?.trim()}`;
    throw err;
  }
}

describe('the systemd unit', () => {
  it('is rated at most 3.0 by systemd-analyze security', async (ctx) => {
    const level = await exposure();
    if (typeof level === 'string') {
      console.warn(`skipped: ${level}`);
      ctx.skip();
      return;
    }
    expect(level).toBeLessThanOrEqual(3.0);
  });

  it('reloads with SIGHUP, stops with SIGTERM under the drain deadline, and does not deny the JIT its memory', () => {
    const unit = read('docker/predictd.service');
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^ProtectHome=true$/m);
    expect(unit).toMatch(/^CapabilityBoundingSet=$/m);
    expect(unit).toMatch(/^RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$/m);
    expect(unit).toMatch(/^SystemCallFilter=@system-service$/m);
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=(true|yes)/m);
  });
});

/** The Dockerfile's instructions, continuation lines joined. */
function instructions(path: string): Array<{ op: string; args: string }> {
  return read(path)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ op: l.split(/\s+/)[0]!.toUpperCase(), args: l.slice(l.indexOf(' ') + 1).trim() }));
}

describe('the container image', () => {
  const steps = instructions('docker/Dockerfile');
  const runtime = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));

  it('builds on the current Node LTS in two stages and ships production dependencies only', () => {
    expect(steps.filter((s) => s.op === 'FROM').map((s) => s.args)).toEqual(['node:24-bookworm-slim AS build', 'node:24-bookworm-slim']);
    expect(steps.some((s) => s.op === 'RUN' && /npm ci\b/.test(s.args) && /npm prune --omit=dev/.test(s.args))).toBe(true);
    expect(runtime.some((s) => s.op === 'COPY' && s.args.startsWith('--from=build /app/node_modules'))).toBe(true);
    const deps = (JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies;
    expect(Object.keys(deps)).toEqual(expect.arrayContaining(['avsc', '@kafkajs/confluent-schema-registry']));
  });

  it('runs as a non-root user under an init process, with a health check', () => {
    const user = runtime.filter((s) => s.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime.find((s) => s.op === 'ENTRYPOINT')?.args).toMatch(/^\["\/usr\/bin\/tini", "--", "node", "bin\/predictd\.js"\]$/);
    expect(runtime.some((s) => s.op === 'RUN' && /apt-get install .*\btini\b/.test(s.args))).toBe(true);
    expect(runtime.find((s) => s.op === 'HEALTHCHECK')?.args).toContain('/healthz');
    expect(runtime.find((s) => s.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('keeps local artefacts out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
  });
});
