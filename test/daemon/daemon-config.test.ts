import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Daemon } from '../../src/daemon/daemon.js';
import { describeDaemonConfig, loadDaemonConfig, restartSettingsOfConfig } from '../../src/daemon/daemon-config.js';
import { restartStrategyConfig } from '../../src/runtime/restart-strategy-settings.js';

describe('daemon configuration', () => {
  it('has sensible defaults', () => {
    const c = loadDaemonConfig({ env: {} });
    expect(c.jobs).toEqual({ dir: 'config/jobs', watch: true, reloadDebounceMs: 300 });
    expect(c.shutdown.timeoutMs).toBe(30_000);
    expect(c.kafka.bootstrapServers).toBe('');
    expect(c.admin).toEqual({ host: '127.0.0.1', port: 9464, token: '', readyWhenJobsFail: false });
    expect(restartStrategyConfig(restartSettingsOfConfig(c))).toMatchObject({ type: 'exponential-delay', initialBackoffMs: 1000, maxBackoffMs: 60_000 });
  });

  it("takes restart-strategy.* with Flink's spellings from the file and PREDICTD_RESTART_STRATEGY_*, checked by the SET rule", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-config-'));
    const file = join(dir, 'predictd.json');
    await writeFile(file, JSON.stringify({ 'restart-strategy': { type: 'fixed-delay', 'fixed-delay': { attempts: 5 } } }));
    const c = loadDaemonConfig({ file, env: { PREDICTD_RESTART_STRATEGY_FIXED_DELAY_DELAY: '250 ms' } });
    expect(restartStrategyConfig(restartSettingsOfConfig(c))).toEqual({ type: 'fixed-delay', attempts: 5, delayMs: 250 });
    expect(() => loadDaemonConfig({ env: { PREDICTD_RESTART_STRATEGY_TYPE: 'exponental-delay' } })).toThrow(/restart-strategy\.type.*did you mean 'exponential-delay'/);
    expect(() => loadDaemonConfig({ env: { PREDICTD_RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR: '3' } })).toThrow(/jitter-factor/);
  });

  it('takes the admin address from PREDICTD_ADMIN_*, and rejects a port out of range', () => {
    expect(loadDaemonConfig({ env: { PREDICTD_ADMIN_HOST: '0.0.0.0', PREDICTD_ADMIN_PORT: '0', PREDICTD_ADMIN_READY_WHEN_JOBS_FAIL: 'true', PREDICTD_ADMIN_TOKEN: '${ADMIN_TOKEN}' } }).admin).toEqual({ host: '0.0.0.0', port: 0, token: '${ADMIN_TOKEN}', readyWhenJobsFail: true });
    expect(() => loadDaemonConfig({ env: { PREDICTD_ADMIN_PORT: '70000' } })).toThrow(/admin\.port/);
  });

  it('takes limiter.redis.url from PREDICTD_LIMITER_REDIS_URL (unset by default: limits per instance)', () => {
    expect(loadDaemonConfig({ env: {} }).limiter.redis.url).toBe('');
    expect(loadDaemonConfig({ env: { PREDICTD_LIMITER_REDIS_URL: 'redis://redis:6379/0' } }).limiter.redis.url).toBe('redis://redis:6379/0');
  });

  it("refuses to start when limiter.redis.url names an unset '${VAR}', and scrubs a Redis password from logs", async () => {
    const config = loadDaemonConfig({ env: {}, overrides: { 'limiter.redis.url': 'redis://:${REDIS_PASSWORD}@127.0.0.1:1/0', 'admin.port': 0, 'log.level': 'silent' } });
    await expect(Daemon.create(config, { env: {} })).rejects.toThrow(/limiter\.redis\.url.*REDIS_PASSWORD/);
    const daemon = await Daemon.create(config, { env: { REDIS_PASSWORD: 's3cret-pw' } });
    expect(daemon.scrubber.scrub('auth s3cret-pw failed')).not.toContain('s3cret-pw');
    await daemon.stop();
  });

  it('layers a JSON file, PREDICTD_* variables and flags, in that order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-config-'));
    const file = join(dir, 'predictd.json');
    await writeFile(file, JSON.stringify({ jobs: { dir: '/from/file', reloadDebounceMs: 1000 }, log: { level: 'debug' } }));
    const c = loadDaemonConfig({ file, env: { PREDICTD_JOBS_RELOAD_DEBOUNCE_MS: '42', PREDICTD_LOG_LEVEL: 'warn' }, overrides: { 'log.level': 'error' } });
    expect(c.jobs.dir).toBe('/from/file');
    expect(c.jobs.reloadDebounceMs).toBe(42);
    expect(c.log.level).toBe('error');
  });

  it('rejects unknown keys and bad values, naming them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-config-'));
    const file = join(dir, 'predictd.json');
    await writeFile(file, JSON.stringify({ jobs: { dri: 'x' } }));
    expect(() => loadDaemonConfig({ file, env: {} })).toThrow(/jobs\.dri/);
    expect(() => loadDaemonConfig({ env: { PREDICTD_LOG_LEVEL: 'loud' } })).toThrow(/log\.level/);
  });

  it('documents every key with its environment variable', () => {
    for (const entry of describeDaemonConfig()) {
      expect(entry.doc.length).toBeGreaterThan(10);
      expect(entry.env).toMatch(/^PREDICTD_[A-Z_]+$/);
    }
  });
});
