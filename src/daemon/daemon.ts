import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { secretOptionKeys } from '../catalog/secret-options.js';
import { createLogger } from '../observability/create-logger.js';
import { SecretScrubber } from '../observability/secret-scrubber.js';
import { bindModel, LimiterRegistry, modelSpecFor } from '../providers/index.js';
import type { Logger } from '../spi/logger.js';
import type { Registry } from '../spi/registry.js';
import type { Sink } from '../spi/sink.js';
import { printConnector } from '../../connectors/print/print-connector.js';
import { resolveOptions } from '../spi/resolve-options.js';
import { AdminServer, type AdminJobSnapshot } from './admin-server.js';
import { resolveAdminToken } from './admin-token.js';
import { resolveSettingRefs } from './resolve-plan-refs.js';
import { restartSettingsOfConfig, type DaemonConfig } from './daemon-config.js';
import { DaemonError } from './daemon-error.js';
import { DaemonMetrics } from './daemon-metrics.js';
import { createDefaultRegistry } from './default-registry.js';
import { JobManager } from './job-manager.js';
import { JobWatcher } from './job-watcher.js';
import type { JobStatus } from './job.js';
import { validateJob } from './validate-job.js';

export interface DaemonDeps {
  readonly registry?: Registry;
  readonly log?: Logger;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go (stdout by default). */
  readonly writeLog?: (line: string) => void;
}

type DaemonState = 'CREATED' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/**
 * The long-running process: a folder of job files, one job per file, hot-reloaded; one
 * limiter registry shared by every job so a provider's quota is respected daemon-wide.
 */
export class Daemon {
  readonly config: DaemonConfig;
  readonly log: Logger;
  readonly scrubber: SecretScrubber;
  /** This daemon's Prometheus registry and histograms (served at /metrics). */
  readonly metrics = new DaemonMetrics();
  readonly #limiters: LimiterRegistry;
  readonly #jobs: JobManager;
  readonly #catalogContext: CatalogContext;
  readonly #env: Readonly<Record<string, string | undefined>>;
  #watcher: JobWatcher | undefined;
  readonly #loading = new Set<Promise<void>>();
  #admin: AdminServer | undefined;
  /** The job files present at start are loaded (readiness waits for it). */
  #loaded = false;
  #state: DaemonState = 'CREATED';
  #stopping: Promise<void> | undefined;

  private constructor(config: DaemonConfig, deps: DaemonDeps) {
    this.config = config;
    this.scrubber = new SecretScrubber();
    const env = deps.env ?? process.env;
    const registry = deps.registry ?? createDefaultRegistry();
    const catalogContext: CatalogContext = {
      registry,
      modelSpec: (factory) => modelSpecFor(factory),
      defaultKafkaBootstrap: config.kafka.bootstrapServers,
    };
    this.log =
      deps.log ??
      createLogger({ level: config.log.level, scrubber: this.scrubber, secretKeys: secretOptionKeys(catalogContext), ...(deps.writeLog ? { write: deps.writeLog } : {}) });
    this.#limiters = new LimiterRegistry({ log: this.log.child({ component: 'limiter' }), redisUrl: this.#redisUrl(config, env) });
    this.#catalogContext = catalogContext;
    this.#env = env;
    const scrubber = this.scrubber;
    const limiters = this.#limiters;
    const metrics = this.metrics;
    this.#jobs = new JobManager({
      registry,
      log: this.log,
      env,
      catalogContext,
      shutdownTimeoutMs: config.shutdown.timeoutMs,
      restartSettings: restartSettingsOfConfig(config),
      watching: config.jobs.watch,
      pipeline: config.pipeline,
      secrets: scrubber,
      bindModel: (entry, log, jobId) => {
        const requestDuration = metrics.requestDuration(jobId, entry.name);
        return bindModel(entry.provider, entry.definition, { limiters, log: log.child({ model: entry.name }), requestDuration });
      },
      rowLatency: (jobId, pipeline) => metrics.rowLatency(jobId, pipeline),
      printSink: () => stdoutSink(registry, this.log),
    });
  }

  /** `limiter.redis.url` with its `${NAME}` references resolved (an unset one fails the start); its password never logged. */
  #redisUrl(config: DaemonConfig, env: Readonly<Record<string, string | undefined>>): string | undefined {
    const raw = config.limiter.redis.url;
    if (!raw) return undefined;
    const url = resolveSettingRefs(raw, 'limiter.redis.url', { env });
    try {
      const password = new URL(url).password;
      if (password) this.scrubber.add(decodeURIComponent(password));
    } catch {
      // ioredis reports an unparsable URL when it connects.
    }
    return url;
  }

  static async create(config: DaemonConfig, deps: DaemonDeps = {}): Promise<Daemon> {
    return new Daemon(config, deps);
  }

  get state(): DaemonState {
    return this.#state;
  }

  /**
   * Starts the admin HTTP server (unless admin.port is 0), loads every job file and starts
   * watching the folder. A jobs folder that is missing or unreadable (PD5001) or a port that
   * cannot be bound fails the start before any job runs.
   */
  async start(): Promise<void> {
    if (this.#state !== 'CREATED') throw new Error(`the daemon cannot start from state ${this.#state}`);
    this.#state = 'RUNNING';
    const dir = resolve(this.config.jobs.dir);
    try {
      await checkJobsFolder(dir);
    } catch (err) {
      this.#state = 'STOPPED';
      throw err;
    }
    this.log.info({ dir, watch: this.config.jobs.watch }, 'predictd starting');
    if (this.config.admin.port > 0) {
      try {
        this.#admin = await this.#startAdmin();
      } catch (err) {
        this.#state = 'STOPPED';
        throw err;
      }
      // stop() came while the server was starting: it found no server to stop.
      if (this.#stopping) {
        await this.#admin.stop();
        return;
      }
    }
    this.#watcher = await JobWatcher.start(dir, this.config.jobs.reloadDebounceMs, {
      changed: (file) => this.#load(file),
      removed: (file) => void this.#jobs.remove(file),
    });
    await Promise.all(this.#loading);
    this.#loaded = true;
    if (!this.config.jobs.watch) this.#watcher.stop();
  }

  /** Loads under way, so start() and reload() can wait for the files their scan found. */
  #load(file: string): void {
    const loading: Promise<void> = this.#jobs.load(file).finally(() => this.#loading.delete(loading));
    this.#loading.add(loading);
  }

  async #startAdmin(): Promise<AdminServer> {
    this.metrics.collectProcessMetrics();
    const token = await resolveAdminToken(this.config.admin.token, this.#env);
    this.scrubber.add(token || undefined);
    const jobs = this.#jobs;
    return AdminServer.start({
      host: this.config.admin.host,
      port: this.config.admin.port,
      ...(token ? { token } : {}),
      log: this.log.child({ component: 'admin' }),
      source: {
        daemon: () => ({ state: this.#state, loaded: this.#loaded, readyWhenJobsFail: this.config.admin.readyWhenJobsFail }),
        jobs: () => this.#snapshots(),
        invalid: () => this.#jobs.invalid(),
        scrub: (text) => this.scrubber.scrub(text),
        metrics: async () => ({ contentType: this.metrics.contentType, text: await this.metrics.render(this.#snapshots(), this.#jobs.invalid()) }),
        control: {
          setTargetState: (id, target) => jobs.setTargetState(id, target),
          restart: (id) => jobs.restart(id),
          validate: (file, sql, strict) => validateJob(file, sql, this.#catalogContext, this.#env, strict),
        },
      },
    });
  }

  /** Every job's status with its models' counters, as the admin API and the metrics see them. */
  #snapshots(): AdminJobSnapshot[] {
    return this.#jobs.statuses().map((status) => ({ ...status, models: this.#jobs.job(status.id)?.modelStats() ?? [] }));
  }

  /**
   * SIGHUP: rescans the jobs folder, whether or not it is watched. New, changed and removed files
   * are applied as the watcher applies them (a changed file replaces its job only when it
   * compiles); nothing is drained and the daemon keeps running.
   */
  async reload(): Promise<void> {
    if (this.#state !== 'RUNNING' || !this.#watcher) {
      this.log.warn({ state: this.#state }, 'SIGHUP ignored: the daemon is not running');
      return;
    }
    this.log.info({ dir: resolve(this.config.jobs.dir) }, 'SIGHUP: rescanning the jobs folder');
    await this.#watcher.rescan();
    await Promise.all(this.#loading);
    this.log.info({ jobs: this.#jobs.statuses().map((j) => j.id) }, 'SIGHUP: jobs folder rescanned');
  }

  jobs(): JobStatus[] {
    return this.#jobs.statuses();
  }

  get jobManager(): JobManager {
    return this.#jobs;
  }

  /**
   * Stop reading, drain in-flight model calls, flush sinks, commit, close clients: all under
   * one deadline. Idempotent.
   */
  stop(deadlineMs = this.config.shutdown.timeoutMs): Promise<void> {
    this.#stopping ??= (async () => {
      const admin = this.#admin;
      this.#admin = undefined;
      await admin?.stop();
      this.#state = 'STOPPING';
      this.#watcher?.stop();
      this.log.info({ deadlineMs }, 'predictd stopping');
      await this.#jobs.stopAll(deadlineMs);
      await this.#limiters.close();
      this.#state = 'STOPPED';
      this.log.info('predictd stopped');
    })();
    return this.#stopping;
  }
}

/** One clear sentence when the jobs folder cannot serve: the CLI exits 2 on it. */
async function checkJobsFolder(dir: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DaemonError('PD5001', code === 'ENOENT' ? `the jobs folder ${dir} does not exist` : `the jobs folder ${dir} cannot be read (${code ?? String(err)})`, { cause: err });
  }
  if (!isDir) throw new DaemonError('PD5001', `the jobs folder ${dir} is not a folder`);
  try {
    await readdir(dir);
  } catch (err) {
    throw new DaemonError('PD5001', `the jobs folder ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
}

function stdoutSink(registry: Registry, log: Logger): Sink {
  const print = registry.connector('print') ?? printConnector;
  const { options } = resolveOptions(print.spec, { connector: 'print' });
  return print.createSink!({ name: 'SELECT', connector: 'print', columns: [], primaryKey: [], options }, { jobId: 'select', log, env: {}, registry });
}
