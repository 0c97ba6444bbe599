import type { ModelStats } from '../providers/index.js';
import type { PipelineStats } from '../runtime/pipeline.js';

/**
 * The counters of a job's earlier restart attempts. Each attempt binds new pipelines and models
 * whose counters start from 0; the job adds these totals to the current attempt's, so that what
 * `GET /jobs` and /metrics show never goes backwards while the job file stays loaded.
 */
export class AttemptTotals {
  /** By pipeline index: an attempt binds the same plan, so index i is the same INSERT each time. */
  readonly #pipelines: PipelineStats[] = [];
  /** By model name (unique within a job file). */
  readonly #models = new Map<string, ModelStats>();

  /** An attempt is over (the next one is about to be bound): keep its final counters. */
  retire(pipelines: readonly PipelineStats[], models: ReadonlyArray<{ readonly model: string; readonly stats: ModelStats }>): void {
    pipelines.forEach((stats, i) => {
      const before = this.#pipelines[i];
      this.#pipelines[i] = before ? addCounters(before, stats) : stats;
    });
    for (const { model, stats } of models) {
      const counters = countersOf(stats);
      const before = this.#models.get(model);
      this.#models.set(model, before ? addCounters(before, counters) : counters);
    }
  }

  /** Pipeline i's counters over every attempt, `current` being the running attempt's. */
  pipeline(i: number, current: PipelineStats): PipelineStats {
    const before = this.#pipelines[i];
    return before ? addCounters(before, current) : current;
  }

  /**
   * Every model's counters over every attempt: the running attempt's models in binding order,
   * then models only earlier attempts bound (this one failed before binding them).
   */
  models(current: ReadonlyArray<{ readonly model: string; readonly stats: ModelStats }>): Array<{ model: string; stats: ModelStats }> {
    const out = current.map(({ model, stats }) => {
      const before = this.#models.get(model);
      // The limiter's state is a gauge of the running attempt: never added up.
      return { model, stats: before ? { ...addCounters(before, countersOf(stats)), ...(stats.limiter ? { limiter: stats.limiter } : {}) } : stats };
    });
    const seen = new Set(current.map((m) => m.model));
    for (const [model, stats] of this.#models) if (!seen.has(model)) out.push({ model, stats });
    return out;
  }
}

/** A model's counters without its limiter state (a gauge of the quota now, not a count). */
function countersOf(stats: ModelStats): ModelStats {
  const { limiter: _gauge, ...counters } = stats;
  return counters;
}

/**
 * Field by field: numbers are added, nested counter objects (failures by stage) are added
 * recursively, a field only one side has (a model's `cost`) is kept.
 */
export function addCounters<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, unknown>;
  for (const [key, value] of Object.entries(b) as Array<[string, unknown]>) {
    const prev = out[key];
    if (typeof value === 'number') out[key] = typeof prev === 'number' ? prev + value : value;
    else if (value !== null && typeof value === 'object' && prev !== null && typeof prev === 'object') out[key] = addCounters(prev, value);
    else out[key] = value;
  }
  return out as T;
}
