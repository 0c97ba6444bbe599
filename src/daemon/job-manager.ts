import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { DiagnosticsError } from '../errors/diagnostic.js';
import { restartSettingsOf, restartStrategyConfig } from '../runtime/restart-strategy-settings.js';
import type { Logger } from '../spi/logger.js';
import { compileJob } from './compile-job.js';
import { Job, JobControlError, type JobDeps, type JobStatus } from './job.js';

export interface JobManagerDeps extends Omit<JobDeps, 'restartStrategy' | 'stopTimeoutMs'> {
  readonly catalogContext: CatalogContext;
  readonly shutdownTimeoutMs: number;
  /** The daemon's `restart-strategy.*` settings; a job's SET statements override them key by key. */
  readonly restartSettings?: Readonly<Record<string, string>>;
  /** Whether the folder is watched for new and changed files (what the "every job finished" line says). */
  readonly watching?: boolean;
}

/** What a control request found: `missing` (no such job), `invalid` (the file never compiled: nothing runs), `conflict` (the job is stopping). */
export type ControlOutcome = { readonly kind: 'accepted' } | { readonly kind: 'missing' | 'invalid' | 'conflict'; readonly message: string };

export interface InvalidJob {
  readonly id: string;
  readonly file: string;
  readonly error: string;
}

/**
 * Jobs by id (the file name without `.sql`). A changed file is compiled first; only a plan
 * that validates replaces the job (stop old, then start new), whatever state the old one is in.
 * A file that fails keeps the old job and reports `file:line:col: message`; with no old job the
 * file is INVALID.
 */
export class JobManager {
  readonly #deps: JobManagerDeps;
  readonly #log: Logger;
  readonly #jobs = new Map<string, Job>();
  readonly #invalid = new Map<string, InvalidJob>();
  /** One operation at a time per job, in arrival order. */
  readonly #queues = new Map<string, Promise<void>>();
  /** Jobs whose target state is PAUSED: kept across reloads of the file, forgotten when the file goes (and with the process). */
  readonly #paused = new Set<string>();
  /** "Every job finished" is said once until a job is loaded again. */
  #allFinishedLogged = false;

  constructor(deps: JobManagerDeps) {
    this.#deps = deps;
    this.#log = deps.log;
  }

  static jobId(file: string): string {
    return basename(file).replace(/\.sql$/i, '');
  }

  /** Loads or reloads a job file. */
  load(file: string): Promise<void> {
    return this.#enqueue(JobManager.jobId(file), () => this.#load(file));
  }

  /** The job file disappeared: stop its job. */
  remove(file: string): Promise<void> {
    const id = JobManager.jobId(file);
    return this.#enqueue(id, async () => {
      this.#invalid.delete(id);
      this.#paused.delete(id);
      const job = this.#jobs.get(id);
      if (!job) return;
      this.#jobs.delete(id);
      this.#log.info({ jobId: id, file }, 'job file removed; stopping the job');
      await job.stop(this.#deps.shutdownTimeoutMs);
      this.#logIfAllFinished();
    });
  }

  /** Stops every job (pending restarts are cancelled) under one deadline. */
  async stopAll(deadlineMs: number): Promise<void> {
    await Promise.all([...this.#queues.values()]);
    await Promise.all([...this.#jobs.values()].map((j) => j.stop(deadlineMs)));
  }

  statuses(): JobStatus[] {
    return [...this.#jobs.values()].map((j) => j.status());
  }

  /** Job files whose last version failed to compile (an older version may still run: see job()). */
  invalid(): InvalidJob[] {
    return [...this.#invalid.values()];
  }

  job(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** PUT /jobs/{id}/pause and /resume: sets the target state, which a reload or restart of the job keeps. */
  setTargetState(id: string, target: 'PAUSED' | 'STARTED'): ControlOutcome {
    const job = this.#jobs.get(id);
    if (!job) return this.#notRunnable(id);
    try {
      if (target === 'PAUSED') job.pause();
      else job.resume();
    } catch (err) {
      if (err instanceof JobControlError) return { kind: 'conflict', message: err.message };
      throw err;
    }
    if (target === 'PAUSED') this.#paused.add(id);
    else this.#paused.delete(id);
    this.#log.info({ jobId: id, targetState: target, state: job.state }, target === 'PAUSED' ? 'job paused' : 'job resumed');
    return { kind: 'accepted' };
  }

  /**
   * POST /jobs/{id}/restart: queued behind any reload of the same file, then the job stops
   * gracefully and binds anew with its backoff reset. Answers at once; the restart goes on.
   */
  restart(id: string): ControlOutcome {
    const job = this.#jobs.get(id);
    if (!job) return this.#notRunnable(id);
    if (job.state === 'STOPPING' || job.state === 'STOPPED') return { kind: 'conflict', message: `job '${id}' is ${job.state}` };
    void this.#enqueue(id, async () => {
      // A reload may have replaced the job meanwhile: restarting the new one would be a second start.
      if (this.#jobs.get(id) !== job) return;
      await job.restart();
    });
    return { kind: 'accepted' };
  }

  #notRunnable(id: string): ControlOutcome {
    if (this.#invalid.has(id)) return { kind: 'invalid', message: `job file '${id}' does not compile: nothing runs to control` };
    return { kind: 'missing', message: `no job '${id}'` };
  }

  #enqueue(id: string, op: () => Promise<void>): Promise<void> {
    const prev = this.#queues.get(id) ?? Promise.resolve();
    const next = prev.then(op).catch((err: unknown) => this.#log.error({ err, jobId: id }, 'job operation failed'));
    this.#queues.set(id, next);
    void next.finally(() => {
      if (this.#queues.get(id) === next) this.#queues.delete(id);
    });
    return next;
  }

  async #load(file: string): Promise<void> {
    const id = JobManager.jobId(file);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (err) {
      this.#invalid.set(id, { id, file, error: `${file}: cannot read the job file: ${err instanceof Error ? err.message : String(err)}` });
      this.#log.error({ err, jobId: id, file }, 'cannot read the job file');
      return;
    }
    const hash = createHash('sha256').update(source).digest('hex');
    const running = this.#jobs.get(id);
    if (running && running.hash === hash) {
      this.#invalid.delete(id);
      return;
    }
    let plan;
    try {
      plan = compileJob(file, source, this.#deps.catalogContext);
    } catch (err) {
      const message = err instanceof DiagnosticsError ? err.message : String(err);
      this.#invalid.set(id, { id, file, error: message });
      this.#log.error(
        { jobId: id, file, errors: message, ...(running ? { runningState: running.state } : { state: 'INVALID' }) },
        running ? 'job file has errors; the running job keeps running' : 'job file has errors; the job is not started (INVALID)',
      );
      return;
    }
    this.#invalid.delete(id);
    if (plan.pipelines.length === 0) this.#log.warn({ jobId: id, file }, 'job file has no INSERT or SELECT: nothing to run');
    for (const s of plan.shown) this.#log.info({ jobId: id, file, line: s.line, result: s.text }, 'SHOW / DESCRIBE');
    if (running) {
      this.#log.info({ jobId: id, file, state: running.state }, 'job file changed; replacing the job');
      this.#jobs.delete(id);
      await running.stop(this.#deps.shutdownTimeoutMs);
    }
    const restartStrategy = restartStrategyConfig(this.#deps.restartSettings ?? {}, restartSettingsOf(plan.catalog.settings));
    const paused = this.#paused.has(id);
    const job = Job.start(id, file, hash, plan, { ...this.#deps, restartStrategy, stopTimeoutMs: this.#deps.shutdownTimeoutMs, paused }, source);
    this.#jobs.set(id, job);
    this.#allFinishedLogged = false;
    this.#log.info({ jobId: id, file, pipelines: plan.pipelines.map((p) => p.name), restartStrategy: restartStrategy.type }, running ? 'job restarted' : 'job started');
    job.onStateChange((state) => {
      if (state === 'FINISHED') this.#logIfAllFinished();
    });
  }

  #logIfAllFinished(): void {
    const jobs = [...this.#jobs.values()];
    if (this.#allFinishedLogged || jobs.length === 0 || jobs.some((j) => j.state !== 'FINISHED')) return;
    this.#allFinishedLogged = true;
    const ids = jobs.map((j) => j.id);
    if (this.#deps.watching === false) this.#log.info({ jobs: ids }, 'every job has finished; the jobs folder is not watched (jobs.watch is false)');
    else this.#log.info({ jobs: ids }, 'every job has finished; the jobs folder is still watched: a new or changed file starts a job');
  }
}
