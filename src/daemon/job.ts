import type { ModelEntry } from '../catalog/catalog-entries.js';
import { DiagnosticsError } from '../errors/diagnostic.js';
import { modelSpecFor, type BoundModelFunction, type ModelStats } from '../providers/index.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import { Pipeline, type PipelineStats } from '../runtime/pipeline.js';
import type { JobState } from '../runtime/job-state.js';
import { RateMeter } from '../runtime/rate-meter.js';
import { RestartStrategy, type RestartClock, type RestartStrategyConfig } from '../runtime/restart-strategy.js';
import type { Logger } from '../spi/logger.js';
import type { PartitionProgress } from '../spi/source.js';
import type { ModelFunction } from '../spi/model-provider.js';
import type { Registry } from '../spi/registry.js';
import type { ValueObserver } from '../spi/metrics.js';
import { AttemptTotals } from './attempt-totals.js';
import { bindPipeline, type BindContext } from './bind-pipeline.js';
import { redactSecretOptions } from './compile-job.js';
import { resolvePlanRefs } from './resolve-plan-refs.js';
import { JobLifecycle, type JobLifecycleState } from './job-lifecycle.js';
import { SharedModel } from './shared-model.js';
import { uniqueNames } from './unique-names.js';

export interface JobDeps {
  readonly registry: Registry;
  readonly log: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads `${file:PATH}` option values (the file system by default). */
  readonly readFile?: (path: string) => string;
  /** Told every secret value a bind resolves (the log scrubber). */
  readonly secrets?: { add(value: string): void };
  /** `jobId` names the job in the model's metrics. */
  readonly bindModel: (entry: ModelEntry, log: Logger, jobId: string) => ModelFunction;
  /** The end-to-end latency histogram child of one pipeline (daemon-metrics.ts); none: not observed. */
  readonly rowLatency?: (jobId: string, pipeline: string) => ValueObserver;
  readonly pipeline: BindContext['pipeline'];
  readonly printSink: BindContext['printSink'];
  /** The job's restart strategy (daemon config and the file's SET merged); 'none' when not given. */
  readonly restartStrategy?: RestartStrategyConfig;
  /** How long the other pipelines of a failed job get to finish what they hold and commit. */
  readonly stopTimeoutMs?: number;
  readonly clock?: RestartClock;
  readonly random?: () => number;
  /** Start with the target state PAUSED (a pause kept across a reload of the file). */
  readonly paused?: boolean;
}

/** Kafka Connect's target state: what the operator asked for, kept across restarts. */
export type JobTargetState = 'STARTED' | 'PAUSED';

/** Rows per second over the last RATE_WINDOW_MS, sampled every RATE_SAMPLE_MS. */
export interface PipelineRates {
  readonly inPerSec: number;
  readonly outPerSec: number;
}

/** Why the job last failed. `position` is `file:line:col` when the cause has one (an option naming an unset variable). */
export interface JobFailure {
  readonly error: string;
  readonly at: number;
  readonly position?: string;
}

export interface JobStatus {
  readonly id: string;
  readonly file: string;
  readonly state: JobLifecycleState;
  readonly pipelines: ReadonlyArray<{
    name: string;
    state: JobState;
    error?: string;
    stats: PipelineStats;
    inFlight: number;
    /** The source's partitions (committed offset, end offset, lag), when it has any. */
    partitions?: readonly PartitionProgress[];
    /** Records in and rows out per second over the last 10 s. */
    rates?: PipelineRates;
    /** The source's input ends by itself: its one partition counts rows acked out of all. */
    bounded?: boolean;
  }>;
  /** PAUSED after PUT /jobs/{id}/pause until a resume; survives restarts and reloads of the file. */
  readonly targetState?: JobTargetState;
  /** Restarts so far, by the restart strategy or an operator (POST /jobs/{id}/restart), since the file was loaded. */
  readonly restarts: number;
  /** While RESTARTING: which restart since the last backoff reset, and when it happens (ms since epoch). */
  readonly restart?: { readonly attempt: number; readonly nextAttemptAt: number };
  readonly lastFailure?: JobFailure;
}

/** One model a job bound, with its counters since the job file was loaded, over every restart attempt (a snapshot). */
export interface JobModelStats {
  readonly model: string;
  readonly stats: ModelStats;
}

interface Attempt {
  readonly pipelines: Array<{ name: string; pipeline: Pipeline; rates: { in: RateMeter; out: RateMeter } }>;
  /** Shared by the attempt's pipelines: closed with the last of them (shared-model.ts). */
  readonly models: Map<ModelEntry, SharedModel>;
}

const DEFAULT_STOP_TIMEOUT_MS = 30_000;
const RATE_SAMPLE_MS = 1_000;
const RATE_WINDOW_MS = 10_000;

/** An operator's request the job cannot follow in its state (the admin API answers 409). */
export class JobControlError extends Error {
  override readonly name = 'JobControlError';
}

/**
 * One job file's pipelines, bound and run as a unit. When a pipeline fails (or binding fails:
 * an unset variable, a connector that cannot be created), the other pipelines stop gracefully
 * and the job is FAILED; its restart strategy then either binds the same plan anew after a
 * delay (new sources, sinks and model functions; sources resume from their committed offsets)
 * or leaves it FAILED.
 */
export class Job {
  readonly id: string;
  readonly file: string;
  readonly hash: string;
  readonly #plan: ScriptPlan;
  readonly #source: string;
  readonly #deps: JobDeps;
  readonly #log: Logger;
  readonly #fsm = new JobLifecycle();
  readonly #strategy: RestartStrategy;
  readonly #clock: RestartClock;
  #attempt: Attempt = { pipelines: [], models: new Map() };
  /** Counters of the attempts before the current one. */
  readonly #totals = new AttemptTotals();
  #restarts = 0;
  #restart: { attempt: number; nextAttemptAt: number } | undefined;
  #lastFailure: JobFailure | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  #targetPaused: boolean;
  /** A restart asked for by an operator is under way: the attempt being stopped must not count as a failure or an end. */
  #manualRestart: Promise<void> | undefined;
  #sampler: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  readonly #done: Promise<JobLifecycleState>;
  #settle!: (state: JobLifecycleState) => void;

  private constructor(id: string, file: string, hash: string, plan: ScriptPlan, deps: JobDeps, source: string) {
    this.id = id;
    this.file = file;
    this.hash = hash;
    this.#plan = plan;
    this.#source = source;
    this.#deps = deps;
    this.#log = deps.log.child({ jobId: id });
    this.#clock = deps.clock ?? { now: () => Date.now() };
    this.#strategy = new RestartStrategy(deps.restartStrategy ?? { type: 'none' }, this.#clock, deps.random);
    this.#done = new Promise((resolve) => (this.#settle = resolve));
    this.#targetPaused = deps.paused ?? false;
    this.#fsm.onChange((state, previous) => this.#logTransition(state, previous));
  }

  /** Binds and starts every pipeline of the plan; a failure to bind is a job failure like any other. */
  static start(id: string, file: string, hash: string, plan: ScriptPlan, deps: JobDeps, source = ''): Job {
    const job = new Job(id, file, hash, plan, deps, source);
    job.#running = job.#runGuarded();
    job.#sampler = setInterval(() => job.#sampleRates(), RATE_SAMPLE_MS);
    job.#sampler.unref();
    return job;
  }

  /** Settles with the state the job stays in unless something outside changes it: FINISHED, STOPPED, or FAILED for good. */
  get done(): Promise<JobLifecycleState> {
    return this.#done;
  }

  get state(): JobLifecycleState {
    return this.#fsm.state;
  }

  onStateChange(listener: (state: JobLifecycleState, previous: JobLifecycleState) => void): void {
    this.#fsm.onChange(listener);
  }

  status(): JobStatus {
    return {
      id: this.id,
      file: this.file,
      state: this.state,
      targetState: this.targetState,
      pipelines: this.#attempt.pipelines.map(({ name, pipeline, rates }, i) => {
        const partitions = pipeline.progress();
        return {
          name,
          state: pipeline.state,
          ...(pipeline.failure ? { error: pipeline.failure.message } : {}),
          stats: this.#totals.pipeline(i, pipeline.stats),
          inFlight: pipeline.inFlight,
          ...(partitions.length > 0 ? { partitions } : {}),
          ...(pipeline.bounded ? { bounded: true } : {}),
          rates: { inPerSec: rates.in.rate(), outPerSec: rates.out.rate() },
        };
      }),
      restarts: this.#restarts,
      ...(this.state === 'RESTARTING' && this.#restart ? { restart: { ...this.#restart } } : {}),
      ...(this.#lastFailure ? { lastFailure: this.#lastFailure } : {}),
    };
  }

  /**
   * Read-only: the counters of each model, over every attempt since the file was loaded; the
   * current attempt's models in binding order (models without counters are left out).
   */
  modelStats(): JobModelStats[] {
    return this.#totals.models(attemptModelStats(this.#attempt));
  }

  get targetState(): JobTargetState {
    return this.#targetPaused ? 'PAUSED' : 'STARTED';
  }

  /**
   * Kafka Connect's pause: sources stop reading (Kafka keeps the group membership) and rows wait
   * before their model call; calls under way finish and their rows are written and committed.
   * The target state stays PAUSED through restarts until resume(). Idempotent.
   */
  pause(): void {
    if (this.#stopping) throw new JobControlError(`job '${this.id}' is stopping`);
    this.#targetPaused = true;
    for (const { pipeline } of this.#attempt.pipelines) pipeline.pause();
    if (this.state === 'RUNNING') this.#fsm.transition('PAUSED');
  }

  /** Opens what pause() closed. Idempotent. */
  resume(): void {
    if (this.#stopping) throw new JobControlError(`job '${this.id}' is stopping`);
    this.#targetPaused = false;
    for (const { pipeline } of this.#attempt.pipelines) pipeline.resume();
    if (this.state === 'PAUSED') this.#fsm.transition('RUNNING');
  }

  /**
   * An operator's restart: the current attempt stops gracefully (what it finished is committed),
   * a pending restart is cancelled, the restart backoff starts over, and the plan is bound anew.
   * Resolves once the new attempt is bound (or failed to bind). Idempotent while under way.
   */
  restart(): Promise<void> {
    if (this.#stopping) return Promise.reject(new JobControlError(`job '${this.id}' is stopping`));
    this.#manualRestart ??= (async () => {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#fsm.can('RESTARTING')) this.#fsm.transition('RESTARTING');
      this.#log.info({ file: this.file }, 'job restart requested');
      await Promise.all(this.#attempt.pipelines.map(({ pipeline }) => pipeline.stop(this.#deps.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS)));
      await this.#running;
      this.#strategy.reset();
      this.#restart = undefined;
      if (this.#stopping) return;
      this.#restarts++;
      this.#manualRestart = undefined;
      this.#running = this.#runGuarded();
    })().finally(() => {
      this.#manualRestart = undefined;
    });
    return this.#manualRestart;
  }

  /** Cancels a pending restart, stops every pipeline under one deadline (in parallel). Idempotent. */
  stop(deadlineMs: number): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#sampler);
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#fsm.can('STOPPING')) this.#fsm.transition('STOPPING');
      await Promise.all(this.#attempt.pipelines.map(({ pipeline }) => pipeline.stop(deadlineMs)));
      await this.#running;
      clearTimeout(this.#timer);
      if (this.#fsm.can('STOPPED')) this.#fsm.transition('STOPPED');
      this.#settle(this.state);
    })();
    return this.#stopping;
  }

  /** A bug in the lifecycle must show in the log, not end the process as an unhandled rejection. */
  #runGuarded(): Promise<void> {
    return this.#run().catch((err: unknown) => this.#log.error({ err, file: this.file, state: this.state }, 'job lifecycle error'));
  }

  async #run(): Promise<void> {
    const attempt: Attempt = { pipelines: [], models: new Map() };
    const previous = this.#attempt;
    this.#totals.retire(previous.pipelines.map(({ pipeline }) => pipeline.stats), attemptModelStats(previous));
    this.#attempt = attempt;
    try {
      this.#bind(attempt);
    } catch (err) {
      await Promise.all(attempt.pipelines.map(({ pipeline }) => pipeline.stop(0)));
      // Models bound before the failure that no pipeline took yet (close() is idempotent).
      await Promise.all([...attempt.models.values()].map((m) => m.model.close().catch(() => {})));
      this.#failed(asError(err));
      return;
    }
    this.#fsm.transition(this.#targetPaused ? 'PAUSED' : 'RUNNING');
    let failure: Error | undefined;
    await Promise.all(
      attempt.pipelines.map(async ({ pipeline }) => {
        let state: JobState;
        try {
          state = await pipeline.start();
        } catch (err) {
          failure ??= asError(err);
          state = await pipeline.stop(0);
        }
        if (state !== 'FAILED' || this.#stopping || this.#manualRestart) return;
        failure ??= pipeline.failure ?? new Error('a pipeline failed');
        // The others stop reading and commit what they finished: the restart re-reads the rest.
        const others = attempt.pipelines.filter((p) => p.pipeline !== pipeline);
        await Promise.all(others.map((p) => p.pipeline.stop(this.#deps.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS)));
      }),
    );
    if (this.#stopping || this.#manualRestart) return;
    if (failure) {
      this.#failed(failure);
      return;
    }
    this.#fsm.transition('FINISHED');
    this.#settle('FINISHED');
  }

  /**
   * Resolves every `${NAME}` and `${file:PATH}` first (each one that cannot be read is reported at
   * once, with its position), then binds each pipeline on the resolved options.
   */
  #bind(attempt: Attempt): void {
    const deps = this.#deps;
    const specs = { registry: deps.registry, modelSpec: modelSpecFor };
    const resolved = resolvePlanRefs(this.#plan, specs, { env: deps.env, ...(deps.readFile ? { readFile: deps.readFile } : {}) });
    for (const secret of resolved.secrets) deps.secrets?.add(secret);
    if (resolved.diagnostics.length > 0) throw new DiagnosticsError(this.file, redactSecretOptions(this.#source, specs), resolved.diagnostics);
    const pipelines = resolved.pipelines;
    const names = uniqueNames(pipelines.map((p) => p.name));
    pipelines.forEach((p, i) => {
      const pipelineId = pipelines.length > 1 ? `${this.id}-${i + 1}` : this.id;
      const plog = this.#log.child({ pipeline: p.name });
      const ctx: BindContext = {
        connector: { jobId: pipelineId, log: plog, env: deps.env, registry: deps.registry },
        model: (entry) => {
          let shared = attempt.models.get(entry);
          if (!shared) attempt.models.set(entry, (shared = new SharedModel(deps.bindModel(entry, plog, this.id))));
          return shared.use();
        },
        pipeline: deps.pipeline,
        printSink: deps.printSink,
      };
      const rowLatency = deps.rowLatency?.(this.id, names[i]!);
      const pipeline = Pipeline.create(bindPipeline(p, ctx), plog, { paused: this.#targetPaused, ...(rowLatency ? { rowLatency } : {}) });
      pipeline.onStateChange((state, previous) => plog.info({ state, previous }, `pipeline ${state.toLowerCase()}`));
      attempt.pipelines.push({ name: p.name, pipeline, rates: { in: new RateMeter(RATE_WINDOW_MS), out: new RateMeter(RATE_WINDOW_MS) } });
    });
  }

  #sampleRates(): void {
    const now = this.#clock.now();
    for (const { pipeline, rates } of this.#attempt.pipelines) {
      const { recordsIn, rowsOut } = pipeline.stats;
      rates.in.sample(now, recordsIn);
      rates.out.sample(now, rowsOut);
    }
  }

  #failed(err: Error): void {
    const position = err instanceof DiagnosticsError && err.diagnostics[0] ? `${err.file}:${err.diagnostics[0].span.line}:${err.diagnostics[0].span.col}` : undefined;
    this.#lastFailure = { error: err.message, at: this.#clock.now(), ...(position ? { position } : {}) };
    this.#fsm.transition('FAILED');
    if (this.#stopping) return; // stop() is under way: it ends the job STOPPED, no restart
    const decision = this.#strategy.onFailure();
    if (!decision.restart) {
      this.#log.error({ file: this.file, reason: decision.reason }, 'the restart strategy gives up: the job stays FAILED until its file changes or the daemon restarts');
      this.#settle('FAILED');
      return;
    }
    this.#restart = { attempt: decision.attempt, nextAttemptAt: this.#clock.now() + decision.delayMs };
    this.#fsm.transition('RESTARTING');
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#stopping) return;
      this.#restarts++;
      this.#running = this.#runGuarded();
    }, decision.delayMs);
  }

  #logTransition(state: JobLifecycleState, previous: JobLifecycleState): void {
    const fields: Record<string, unknown> = { file: this.file, state, previous, restarts: this.#restarts };
    if (state === 'FAILED' || state === 'RESTARTING') {
      fields['error'] = this.#lastFailure?.error;
      if (this.#lastFailure?.position) fields['position'] = this.#lastFailure.position;
    }
    if (state === 'RESTARTING' && this.#restart) {
      fields['attempt'] = this.#restart.attempt;
      fields['nextAttemptAt'] = new Date(this.#restart.nextAttemptAt).toISOString();
    }
    const level = state === 'FAILED' ? 'error' : state === 'RESTARTING' ? 'warn' : 'info';
    this.#log[level](fields, `job ${state.toLowerCase()}`);
  }
}

/** The counters of each model an attempt bound, in binding order. */
function attemptModelStats(attempt: Attempt): JobModelStats[] {
  const out: JobModelStats[] = [];
  for (const [entry, { model: fn }] of attempt.models) if (hasStats(fn)) out.push({ model: entry.name, stats: fn.stats() });
  return out;
}

function hasStats(fn: ModelFunction): fn is ModelFunction & Pick<BoundModelFunction, 'stats'> {
  return typeof (fn as Partial<BoundModelFunction>).stats === 'function';
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
