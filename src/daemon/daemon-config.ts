import convict from 'convict';
import { RESTART_STRATEGY_SETTINGS, restartSettingProblem } from '../runtime/restart-strategy-settings.js';

/**
 * `restart-strategy.*` with Flink's key spellings (so a flink-conf line can be copied), each
 * checked by the same rule a job's SET goes through; env PREDICTD_RESTART_STRATEGY_...
 */
function restartStrategySchema(): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(RESTART_STRATEGY_SETTINGS)) {
    const path = key.split('.').slice(1);
    let node = root;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = {
      doc: spec.doc,
      format: (value: unknown) => {
        const problem = restartSettingProblem(key, String(value));
        if (problem) throw new Error(problem);
      },
      default: spec.default,
      env: `PREDICTD_${key.toUpperCase().replace(/[.-]/g, '_')}`,
    };
  }
  return root;
}

/**
 * The daemon's own settings (not a job's): from a JSON file (`--config`, default
 * config/predictd.json when present), then PREDICTD_* environment variables, then CLI flags.
 * docs/operations.md lists every key; a test keeps the two in step.
 */
export const daemonConfigSchema = {
  jobs: {
    dir: { doc: 'Folder of *.sql job files; each file is one job.', format: String, default: 'config/jobs', env: 'PREDICTD_JOBS_DIR' },
    watch: { doc: 'Reload jobs when files are added, changed or removed.', format: Boolean, default: true, env: 'PREDICTD_JOBS_WATCH' },
    reloadDebounceMs: { doc: 'Quiet time after a file change before it is reloaded.', format: 'nat', default: 300, env: 'PREDICTD_JOBS_RELOAD_DEBOUNCE_MS' },
  },
  log: {
    level: { doc: 'pino log level.', format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info', env: 'PREDICTD_LOG_LEVEL' },
  },
  shutdown: {
    timeoutMs: { doc: 'On SIGTERM: the one deadline for draining in-flight calls, flushing sinks and committing.', format: 'nat', default: 30000, env: 'PREDICTD_SHUTDOWN_TIMEOUT_MS' },
  },
  pipeline: {
    inFlightPerConcurrency: { doc: "A job's in-flight window is this many times its max-concurrent-operations (records read but not yet written).", format: 'nat', default: 2, env: 'PREDICTD_PIPELINE_IN_FLIGHT_FACTOR' },
    sinkBatchMaxRows: { doc: 'Rows per sink write at most.', format: 'nat', default: 500, env: 'PREDICTD_SINK_BATCH_MAX_ROWS' },
    sinkLingerMs: { doc: 'How long a sink write waits for more rows before it goes.', format: 'nat', default: 5, env: 'PREDICTD_SINK_LINGER_MS' },
  },
  kafka: {
    bootstrapServers: {
      doc: "Kafka cluster for tables declared without WITH (...) (Confluent style: the table is the topic of the same name, format json).",
      format: String,
      default: '',
      env: 'PREDICTD_KAFKA_BOOTSTRAP_SERVERS',
    },
  },
  limiter: {
    redis: {
      url: {
        doc:
          'Redis holding the rate limits (`rate-limit.*`) of every quota, shared by all the instances that use it: `redis://[user:password@]host:port[/db]`, ' +
          "may name environment variables as '${NAME}'. Unset: each instance enforces the limits alone.",
        format: String,
        default: '',
        env: 'PREDICTD_LIMITER_REDIS_URL',
      },
    },
  },
  admin: {
    host: { doc: 'Address the admin HTTP server (/healthz, /readyz, /jobs, /metrics) listens on; 0.0.0.0 to reach it from outside a container.', format: String, default: '127.0.0.1', env: 'PREDICTD_ADMIN_HOST' },
    port: { doc: 'Port of the admin HTTP server; 0 disables it.', format: 'port', default: 9464, env: 'PREDICTD_ADMIN_PORT' },
    token: {
      doc: "Bearer token required by the admin server's PUT/POST requests (pause, resume, restart, validate); also required on loopback once set. The token, '${NAME}' or '${file:/path}'. Without it those requests are refused unless the server listens on loopback only.",
      format: String,
      default: '',
      sensitive: true,
      env: 'PREDICTD_ADMIN_TOKEN',
    },
    readyWhenJobsFail: {
      doc: '/readyz answers 200 even while a job is FAILED, RESTARTING or INVALID (the daemon itself still has to be running with its job files loaded).',
      format: Boolean,
      default: false,
      env: 'PREDICTD_ADMIN_READY_WHEN_JOBS_FAIL',
    },
  },
  'restart-strategy': restartStrategySchema(),
} as const;

export interface DaemonConfig {
  readonly jobs: { readonly dir: string; readonly watch: boolean; readonly reloadDebounceMs: number };
  readonly log: { readonly level: string };
  readonly shutdown: { readonly timeoutMs: number };
  readonly pipeline: { readonly inFlightPerConcurrency: number; readonly sinkBatchMaxRows: number; readonly sinkLingerMs: number };
  readonly kafka: { readonly bootstrapServers: string };
  readonly limiter: { readonly redis: { readonly url: string } };
  readonly admin: { readonly host: string; readonly port: number; readonly token: string; readonly readyWhenJobsFail: boolean };
  /** Nested as in the schema: `restart-strategy.exponential-delay.initial-backoff` and so on. */
  readonly 'restart-strategy': Readonly<Record<string, unknown>>;
}

/** The daemon's restart settings as a flat `restart-strategy.*` map, the shape a job's SET map has. */
export function restartSettingsOfConfig(config: DaemonConfig): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: Readonly<Record<string, unknown>>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      if (v !== null && typeof v === 'object') walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else out[`${prefix}${k}`] = String(v);
    }
  };
  walk(config['restart-strategy'] ?? {}, 'restart-strategy.');
  return out;
}

export interface ConfigSources {
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** Loads and validates the configuration; throws with every problem named. */
export function loadDaemonConfig(sources: ConfigSources = {}): DaemonConfig {
  const config = convict(daemonConfigSchema as never, { env: sources.env as NodeJS.ProcessEnv | undefined, args: [] });
  if (sources.file) config.loadFile(sources.file);
  for (const [key, value] of Object.entries(sources.overrides ?? {})) config.set(key, value as never);
  config.validate({ allowed: 'strict' });
  return config.getProperties() as unknown as DaemonConfig;
}

/** Flattened keys with their docs, defaults and env names, for docs and `predictd config`. */
export function describeDaemonConfig(): Array<{ key: string; doc: string; default: unknown; env: string }> {
  const out: Array<{ key: string; doc: string; default: unknown; env: string }> = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      const entry = v as { doc?: string; default?: unknown; env?: string };
      if (entry.doc !== undefined) out.push({ key: prefix + k, doc: entry.doc, default: entry.default, env: entry.env ?? '' });
      else walk(v as Record<string, unknown>, `${prefix}${k}.`);
    }
  };
  walk(daemonConfigSchema as unknown as Record<string, unknown>, '');
  return out;
}
