import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { isCredentialOption } from '../catalog/credential-option.js';
import { createLogger } from '../observability/create-logger.js';
import { SecretScrubber } from '../observability/secret-scrubber.js';
import { bindModel, LimiterRegistry, modelSpecFor, resolveEnvRefs } from '../providers/index.js';
import type { Logger } from '../spi/logger.js';
import type { Registry } from '../spi/registry.js';
import type { Sink } from '../spi/sink.js';
import { printConnector } from '../../connectors/print/print-connector.js';
import { resolveOptions } from '../spi/resolve-options.js';
import { AdminServer } from './admin-server.js';
import { restartSettingsOfConfig, type DaemonConfig } from './daemon-config.js';
import { DaemonError } from './daemon-error.js';
import { createDefaultRegistry } from './default-registry.js';
import { JobManager } from './job-manager.js';
import { JobWatcher } from './job-watcher.js';
import type { JobStatus } from './job.js';

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
  readonly #limiters: LimiterRegistry;
  readonly #jobs: JobManager;
  #watcher: JobWatcher | undefined;
  #admin: AdminServer | undefined;
  /** The job files present at start are loaded (readiness waits for it). */
  #loaded = false;
  #state: DaemonState = 'CREATED';
  #stopping: Promise<void> | undefined;

  private constructor(config: DaemonConfig, deps: DaemonDeps) {
    this.config = config;
    this.scrubber = new SecretScrubber();
    const env = deps.env ?? process.env;
    this.log = deps.log ?? createLogger({ level: config.log.level, scrubber: this.scrubber, ...(deps.writeLog ? { write: deps.writeLog } : {}) });
    const registry = deps.registry ?? createDefaultRegistry();
    this.#limiters = new LimiterRegistry({ log: this.log.child({ component: 'limiter' }), redisUrl: this.#redisUrl(config, env) });
    const catalogContext: CatalogContext = {
      registry,
      modelSpec: (factory) => modelSpecFor(factory),
      defaultKafkaBootstrap: config.kafka.bootstrapServers,
    };
    const scrubber = this.scrubber;
    const limiters = this.#limiters;
    this.#jobs = new JobManager({
      registry,
      log: this.log,
      env,
      catalogContext,
      shutdownTimeoutMs: config.shutdown.timeoutMs,
      restartSettings: restartSettingsOfConfig(config),
      watching: config.jobs.watch,
      pipeline: config.pipeline,
      bindModel: (entry, log) => {
        for (const [key, value] of Object.entries(entry.rawOptions)) if (isCredentialOption(key)) scrubber.add(resolvedOrUndefined(value, env, key));
        return bindModel(entry.provider, entry.definition, { limiters, log: log.child({ model: entry.name }), env });
      },
      printSink: () => stdoutSink(registry, this.log),
    });
  }

  /** `limiter.redis.url` with its `${NAME}` references resolved (an unset one fails the start); its password never logged. */
  #redisUrl(config: DaemonConfig, env: Readonly<Record<string, string | undefined>>): string | undefined {
    const raw = config.limiter.redis.url;
    if (!raw) return undefined;
    const url = resolveEnvRefs(raw, env, 'limiter.redis.url');
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
    const loads: Promise<void>[] = [];
    this.#watcher = await JobWatcher.start(dir, this.config.jobs.reloadDebounceMs, {
      changed: (file) => loads.push(this.#jobs.load(file)),
      removed: (file) => void this.#jobs.remove(file),
    });
    await Promise.all(loads);
    this.#loaded = true;
    if (!this.config.jobs.watch) this.#watcher.stop();
  }

  #startAdmin(): Promise<AdminServer> {
    return AdminServer.start({
      host: this.config.admin.host,
      port: this.config.admin.port,
      log: this.log.child({ component: 'admin' }),
      source: {
        daemon: () => ({ state: this.#state, loaded: this.#loaded, readyWhenJobsFail: this.config.admin.readyWhenJobsFail }),
        jobs: () => this.#jobs.statuses().map((status) => ({ ...status, models: this.#jobs.job(status.id)?.modelStats() ?? [] })),
        invalid: () => this.#jobs.invalid(),
        scrub: (text) => this.scrubber.scrub(text),
      },
    });
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

/** The value a credential option resolves to, for the scrubber; an unset variable is the job's failure to report, not this. */
function resolvedOrUndefined(value: string, env: Readonly<Record<string, string | undefined>>, key: string): string | undefined {
  try {
    return resolveEnvRefs(value, env, key);
  } catch {
    return undefined;
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
