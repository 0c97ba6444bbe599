import type { ModelEntry } from '../catalog/catalog-entries.js';
import type { BoundModelFunction, ModelStats } from '../providers/index.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import { Pipeline, type PipelineStats } from '../runtime/pipeline.js';
import type { JobState } from '../runtime/job-state.js';
import type { Logger } from '../spi/logger.js';
import type { ModelFunction } from '../spi/model-provider.js';
import type { Registry } from '../spi/registry.js';
import { bindPipeline, type BindContext } from './bind-pipeline.js';

export interface JobDeps {
  readonly registry: Registry;
  readonly log: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly bindModel: (entry: ModelEntry, log: Logger) => ModelFunction;
  readonly pipeline: BindContext['pipeline'];
  readonly printSink: BindContext['printSink'];
}

export interface JobStatus {
  readonly id: string;
  readonly file: string;
  readonly state: JobState;
  readonly pipelines: ReadonlyArray<{ name: string; state: JobState; error?: string; stats: PipelineStats; inFlight: number }>;
}

/** One model a job bound, with its counters since it was bound (a snapshot). */
export interface JobModelStats {
  readonly model: string;
  readonly stats: ModelStats;
}

/**
 * One job file's running pipelines. A job is RUNNING while any pipeline runs; FAILED if one
 * failed; FINISHED when bounded inputs ended; STOPPED after stop().
 */
export class Job {
  readonly id: string;
  readonly file: string;
  readonly hash: string;
  readonly #pipelines: Array<{ name: string; pipeline: Pipeline }> = [];
  readonly #models = new Map<ModelEntry, ModelFunction>();
  readonly #done: Promise<JobState[]>;

  private constructor(id: string, file: string, hash: string, plan: ScriptPlan, deps: JobDeps) {
    this.id = id;
    this.file = file;
    this.hash = hash;
    const log = deps.log.child({ jobId: id });
    const models = this.#models;
    plan.pipelines.forEach((p, i) => {
      const pipelineId = plan.pipelines.length > 1 ? `${id}-${i + 1}` : id;
      const plog = log.child({ pipeline: p.name });
      const ctx: BindContext = {
        connector: { jobId: pipelineId, log: plog, env: deps.env, registry: deps.registry },
        model: (entry) => {
          let fn = models.get(entry);
          if (!fn) models.set(entry, (fn = deps.bindModel(entry, plog)));
          return fn;
        },
        pipeline: deps.pipeline,
        printSink: deps.printSink,
      };
      const pipeline = Pipeline.create(bindPipeline(p, ctx), plog);
      pipeline.onStateChange((state, previous) => plog.info({ state, previous }, `pipeline ${state.toLowerCase()}`));
      this.#pipelines.push({ name: p.name, pipeline });
    });
    this.#done = Promise.all(this.#pipelines.map(({ pipeline }) => pipeline.start()));
  }

  /** Binds and starts every pipeline of the plan. */
  static start(id: string, file: string, hash: string, plan: ScriptPlan, deps: JobDeps): Job {
    return new Job(id, file, hash, plan, deps);
  }

  /** Settles once every pipeline reached a final state. */
  get done(): Promise<JobState[]> {
    return this.#done;
  }

  get state(): JobState {
    const states = this.#pipelines.map(({ pipeline }) => pipeline.state);
    for (const s of ['FAILED', 'RUNNING', 'STOPPING', 'CREATED'] as const) if (states.includes(s)) return s;
    return states.every((s) => s === 'FINISHED') ? 'FINISHED' : 'STOPPED';
  }

  status(): JobStatus {
    return {
      id: this.id,
      file: this.file,
      state: this.state,
      pipelines: this.#pipelines.map(({ name, pipeline }) => ({
        name,
        state: pipeline.state,
        ...(pipeline.failure ? { error: pipeline.failure.message } : {}),
        stats: { ...pipeline.stats },
        inFlight: pipeline.inFlight,
      })),
    };
  }

  /** Read-only: the counters of each model this job bound, in binding order (models without counters are left out). */
  modelStats(): JobModelStats[] {
    const out: JobModelStats[] = [];
    for (const [entry, fn] of this.#models) if (hasStats(fn)) out.push({ model: entry.name, stats: fn.stats() });
    return out;
  }

  /** Stops every pipeline under one deadline (in parallel). Idempotent. */
  async stop(deadlineMs: number): Promise<void> {
    await Promise.all(this.#pipelines.map(({ pipeline }) => pipeline.stop(deadlineMs)));
  }
}

function hasStats(fn: ModelFunction): fn is ModelFunction & Pick<BoundModelFunction, 'stats'> {
  return typeof (fn as Partial<BoundModelFunction>).stats === 'function';
}
