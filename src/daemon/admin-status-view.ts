import type { FailureStage, PartitionProgress } from '../spi/source.js';
import type { PipelineStats } from '../runtime/pipeline.js';
import type { JobModelStats, JobStatus } from './job.js';

const STAGES: readonly FailureStage[] = ['decode', 'transform', 'predict', 'sink'];

/** Routed records per stage (dead-lettered + dropped), and their sum. */
export type ErrorsByStage = Record<FailureStage | 'total', number>;

/**
 * `GET /jobs/{id}/status`: what an operator asks first — is it running, how far behind, how fast,
 * what failed — summed over the job's pipelines, with each pipeline's detail below. Like Kafka
 * Connect's `/connectors/{name}/status`, one answer per job; unlike it, with progress figures.
 * `oneLine` turns a failure into its scrubbed `file:line:col: message` lines.
 */
export function jobStatusView(job: JobStatus & { readonly models: readonly JobModelStats[] }, oneLine: (error: string) => string) {
  const pipelines = job.pipelines.map((p) => {
    const partitions = p.partitions ?? [];
    return {
      name: p.name,
      state: p.state,
      ...(p.error !== undefined ? { error: oneLine(p.error) } : {}),
      inFlight: p.inFlight,
      rates: { inPerSec: round(p.rates?.inPerSec ?? 0), outPerSec: round(p.rates?.outPerSec ?? 0) },
      recordsIn: p.stats.recordsIn,
      rowsOut: p.stats.rowsOut,
      lag: totalLag(partitions),
      ...(p.bounded ? { bounded: true } : {}),
      errors: errorsOf(p.stats),
      partitions: partitions.map((x) => ({ ...x })),
    };
  });
  const failure = job.lastFailure;
  const sum = (f: (p: (typeof pipelines)[number]) => number) => pipelines.reduce((n, p) => n + f(p), 0);
  const lags = pipelines.map((p) => p.lag);
  return {
    id: job.id,
    file: job.file,
    state: job.state,
    targetState: job.targetState ?? 'STARTED',
    restarts: job.restarts,
    ...(job.restart ? { attempt: job.restart.attempt, nextAttemptAt: new Date(job.restart.nextAttemptAt).toISOString() } : {}),
    lastError: failure ? { message: oneLine(failure.error), at: new Date(failure.at).toISOString(), ...(failure.position ? { position: failure.position } : {}) } : null,
    inFlight: sum((p) => p.inFlight),
    rates: { inPerSec: round(sum((p) => p.rates.inPerSec)), outPerSec: round(sum((p) => p.rates.outPerSec)) },
    recordsIn: sum((p) => p.recordsIn),
    rowsOut: sum((p) => p.rowsOut),
    lag: lags.some((l) => l !== null) ? lags.reduce<number>((n, l) => n + (l ?? 0), 0) : null,
    errors: Object.fromEntries([...STAGES, 'total'].map((s) => [s, sum((p) => p.errors[s as keyof ErrorsByStage])])) as ErrorsByStage,
    pipelines,
    models: job.models.map((m) => ({ model: m.model, stats: m.stats })),
  };
}

/** Lag summed over the partitions that know theirs; null when none does (no partitions, or not yet fetched). */
function totalLag(partitions: readonly PartitionProgress[]): number | null {
  const known = partitions.filter((p) => p.lag !== undefined);
  return known.length === 0 ? null : known.reduce((n, p) => n + p.lag!, 0);
}

function errorsOf(stats: PipelineStats): ErrorsByStage {
  const out = {} as ErrorsByStage;
  let total = 0;
  for (const s of STAGES) {
    const c = stats.failures[s];
    out[s] = c.deadLettered + c.dropped;
    total += out[s];
  }
  out.total = total;
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
