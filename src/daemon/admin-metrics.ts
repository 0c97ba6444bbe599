import type { AdminJobSnapshot } from './admin-server.js';
import { JOB_LIFECYCLE_STATES, type JobLifecycleState } from './job-lifecycle.js';
import type { InvalidJob } from './job-manager.js';
import type { LimiterState } from '../providers/index.js';
import type { JobModelStats } from './job.js';
import type { MetricFamilies } from './metric-families.js';
import { uniqueNames } from './unique-names.js';

type Snapshot = MetricFamilies['snapshot'];
type ModelLabels = { readonly job: string; readonly model: string };

/**
 * Sets every snapshot family from the jobs as they are now: each family is emptied first, so a
 * job that is gone leaves no series behind. The counters come from the jobs' own counters, which
 * carry the totals of earlier restart attempts (job.ts): they never go backwards while the job
 * file stays loaded. Only names, states and numbers: never an option value.
 */
export function fillSnapshotMetrics(m: Snapshot, jobs: readonly AdminJobSnapshot[], invalid: readonly InvalidJob[]): void {
  for (const family of Object.values(m)) family.reset();
  const ids = new Set(jobs.map((j) => j.id));
  for (const job of jobs) {
    setJobState(m, job.id, job.state);
    m.jobRestarts.inc({ job: job.id }, job.restarts);
    if (job.lastFailure) m.jobLastFailure.set({ job: job.id }, job.lastFailure.at / 1000);
    const names = uniqueNames(job.pipelines.map((p) => p.name));
    job.pipelines.forEach((p, i) => fillPipeline(m, { job: job.id, pipeline: names[i]! }, p));
    const models = uniqueNames(job.models.map((x) => x.model));
    job.models.forEach((x, i) => fillModel(m, { job: job.id, model: models[i]! }, x));
  }
  for (const file of invalid) {
    if (ids.has(file.id)) continue;
    setJobState(m, file.id, 'INVALID');
    m.jobRestarts.inc({ job: file.id }, 0);
  }
  m.invalidFiles.set(invalid.length);
}

/** A state set: one series per state, 1 for the current one. */
function setJobState(m: Snapshot, job: string, current: JobLifecycleState): void {
  for (const state of JOB_LIFECYCLE_STATES) m.jobState.set({ job, state }, current === state ? 1 : 0);
}

function fillPipeline(m: Snapshot, labels: { readonly job: string; readonly pipeline: string }, p: AdminJobSnapshot['pipelines'][number]): void {
  const s = p.stats;
  m.recordsIn.inc(labels, s.recordsIn);
  m.rowsOut.inc(labels, s.rowsOut);
  m.nullInputs.inc(labels, s.nullInputsDropped);
  m.sinkRetries.inc(labels, s.sinkRetries);
  m.deadLetterRetries.inc(labels, s.deadLetterRetries);
  m.inFlight.set(labels, p.inFlight);
  for (const [stage, counts] of Object.entries(s.failures)) {
    m.rowsFailed.inc({ ...labels, stage, action: 'dead_lettered' }, counts.deadLettered);
    m.rowsFailed.inc({ ...labels, stage, action: 'dropped' }, counts.dropped);
  }
  for (const part of p.partitions ?? []) {
    const at = { ...labels, topic: part.topic, partition: String(part.partition) };
    // Offsets are int64 strings; a gauge is a double, exact up to 2^53.
    if (part.committedOffset !== undefined) m.committedOffset.set(at, Number(part.committedOffset));
    if (part.endOffset !== undefined) m.endOffset.set(at, Number(part.endOffset));
    if (part.lag !== undefined) m.lag.set(at, part.lag);
  }
}

function fillModel(m: Snapshot, labels: ModelLabels, x: JobModelStats): void {
  const s = x.stats;
  m.modelRows.inc(labels, s.rows);
  m.modelRetries.inc(labels, s.retries);
  // The model counts attempt timeouts and malformed answers inside its transient errors: split
  // them out so the kinds add up to the failed attempts, each counted once.
  const transient = Math.max(0, s.transientErrors - s.attemptTimeouts - s.malformedAnswers);
  for (const [kind, value] of [['throttled', s.throttled], ['timeout', s.attemptTimeouts], ['malformed', s.malformedAnswers], ['transient', transient], ['fatal', s.fatalErrors]] as const) {
    m.modelErrors.inc({ ...labels, kind }, value);
  }
  m.modelRowTimeouts.inc(labels, s.rowTimeouts);
  m.modelTokens.inc({ ...labels, type: 'input' }, s.promptTokens);
  m.modelTokens.inc({ ...labels, type: 'output' }, s.completionTokens);
  if (s.cost !== undefined) m.modelCost.inc(labels, s.cost);
  if (s.cache) {
    m.modelCacheHits.inc(labels, s.cache.hits);
    m.modelCacheMisses.inc(labels, s.cache.misses);
    m.modelCacheEvictions.inc(labels, s.cache.evictions);
  }
  if (s.contextOverflow) m.modelContextOverflow.inc({ ...labels, action: s.contextOverflow.action }, s.contextOverflow.rows);
  if (s.limiter) fillLimiter(m, labels, s.limiter);
}

/**
 * The hook for the limiter's state: a model whose stats carry a `limiter` snapshot gets its
 * current rate, queue and pause as gauges; each field is optional, and a model without one gets none.
 */
export function fillLimiter(m: Pick<Snapshot, 'limiterRate' | 'limiterQueued' | 'limiterPausedUntil'>, labels: ModelLabels, limiter: LimiterState): void {
  if (limiter.requestsPerMinute !== undefined) m.limiterRate.set(labels, limiter.requestsPerMinute);
  if (limiter.queued !== undefined) m.limiterQueued.set(labels, limiter.queued);
  if (limiter.pausedUntil !== undefined) m.limiterPausedUntil.set(labels, limiter.pausedUntil / 1000);
}
