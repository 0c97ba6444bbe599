import type { AdminJobSnapshot } from './admin-server.js';
import { JOB_LIFECYCLE_STATES, type JobLifecycleState } from './job-lifecycle.js';
import type { InvalidJob } from './job-manager.js';

/** The content type of the Prometheus text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly samples: Array<{ labels: Labels; value: number }>;
}

/**
 * Prometheus text exposition format 0.0.4, written by hand: every family once with its HELP and
 * TYPE lines, its samples together. Only names, states and counters: never an option value.
 */
export function renderMetrics(jobs: readonly AdminJobSnapshot[], invalid: readonly InvalidJob[]): string {
  const families = new Map<string, Family>();
  const add = (name: string, type: Family['type'], help: string, labels: Labels, value: number) => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { type, help, samples: [] }));
    family.samples.push({ labels, value });
  };
  const counter = (name: string, help: string) => (labels: Labels, value: number) => add(name, 'counter', help, labels, value);
  const gauge = (name: string, help: string) => (labels: Labels, value: number) => add(name, 'gauge', help, labels, value);

  const recordsIn = counter('predictd_records_in_total', 'Records read from the source.');
  const rowsOut = counter('predictd_rows_out_total', 'Rows handed to the sink.');
  const nullInputs = counter('predictd_null_inputs_dropped_total', 'Rows dropped without a model call because the model input was NULL.');
  const predictionsDropped = counter('predictd_predictions_dropped_total', 'Rows dropped by error-handling-strategy IGNORE or a timeout under IGNORE.');
  const modelCalls = counter('predictd_model_calls_total', 'Model calls the pipeline made (one per row, retries not counted).');
  const sinkRetries = counter('predictd_sink_retries_total', 'Sink writes retried (updated when the pipeline closes).');
  const inFlight = gauge('predictd_in_flight', 'Records read but not yet written or dropped.');
  const rowsFailed = counter(
    'predictd_rows_failed_total',
    "Records that failed for good and were routed, by stage (decode, transform, predict, sink) and action (dead_lettered: written to the dead-letter queue; dropped: no queue).",
  );
  const deadLetterRetries = counter('predictd_dead_letter_retries_total', 'Dead-letter writes that failed and were retried.');
  const jobUp = gauge('predictd_job_up', "1 for the job's current state, 0 for the others (INVALID: a job file that does not compile, with no older version running).");
  const jobRestarts = counter('predictd_job_restarts_total', 'Restarts the restart strategy made since the job file was loaded.');
  const jobLastFailure = gauge('predictd_job_last_failure_timestamp_seconds', "When the job last failed (seconds since the epoch); absent for a job that has not failed.");
  const modelRows = counter('predictd_model_rows_total', 'Rows sent to the model (predict calls).');
  const modelRequests = counter('predictd_model_requests_total', 'HTTP requests sent to the model API (a micro-batch counts once).');
  const modelThrottled = counter('predictd_model_throttled_total', 'Rows answered 429 (throttled) by the model API.');
  const modelRetries = counter('predictd_model_retries_total', 'Attempts after the first, throttled ones included.');
  const modelErrors = counter('predictd_model_errors_total', 'Failed model requests by kind (transient: 5xx, timeouts, resets; fatal: other 4xx, bad answers).');
  const modelTokens = counter('predictd_model_tokens_total', 'Tokens the model API reported as used, by type.');
  const modelTimeouts = counter('predictd_model_timeouts_total', "Timeouts by scope (attempt: one request ran out of client-timeout and was retried; row: a row's timeout ran out).");
  const modelMalformed = counter('predictd_model_malformed_answers_total', 'Answers with a 2xx status that could not be read (not JSON, HTML, missing fields); retried as transient.');
  const invalidFiles = gauge('predictd_invalid_job_files', 'Job files whose last version failed to compile (an older version may still run).');

  const up = (job: string, current: JobLifecycleState) => {
    for (const state of JOB_LIFECYCLE_STATES) jobUp({ job, state }, current === state ? 1 : 0);
  };
  const ids = new Set(jobs.map((j) => j.id));
  for (const job of jobs) {
    up(job.id, job.state);
    jobRestarts({ job: job.id }, job.restarts);
    if (job.lastFailure) jobLastFailure({ job: job.id }, job.lastFailure.at / 1000);
    for (const [p, name] of zipUnique(job.pipelines, (p) => p.name)) {
      const labels = { job: job.id, pipeline: name };
      recordsIn(labels, p.stats.recordsIn);
      rowsOut(labels, p.stats.rowsOut);
      nullInputs(labels, p.stats.nullInputsDropped);
      predictionsDropped(labels, p.stats.predictionsDropped);
      modelCalls(labels, p.stats.modelCalls);
      sinkRetries(labels, p.stats.sinkRetries);
      inFlight(labels, p.inFlight);
      for (const [stage, counts] of Object.entries(p.stats.failures)) {
        rowsFailed({ ...labels, stage, action: 'dead_lettered' }, counts.deadLettered);
        rowsFailed({ ...labels, stage, action: 'dropped' }, counts.dropped);
      }
      deadLetterRetries(labels, p.stats.deadLetterRetries);
    }
    for (const [m, name] of zipUnique(job.models, (m) => m.model)) {
      const labels = { job: job.id, model: name };
      modelRows(labels, m.stats.rows);
      modelRequests(labels, m.stats.requests);
      modelThrottled(labels, m.stats.throttled);
      modelRetries(labels, m.stats.retries);
      modelErrors({ ...labels, kind: 'transient' }, m.stats.transientErrors);
      modelErrors({ ...labels, kind: 'fatal' }, m.stats.fatalErrors);
      modelTokens({ ...labels, type: 'prompt' }, m.stats.promptTokens);
      modelTokens({ ...labels, type: 'completion' }, m.stats.completionTokens);
      modelTimeouts({ ...labels, scope: 'attempt' }, m.stats.attemptTimeouts);
      modelTimeouts({ ...labels, scope: 'row' }, m.stats.rowTimeouts);
      modelMalformed(labels, m.stats.malformedAnswers);
    }
  }
  for (const file of invalid) {
    if (ids.has(file.id)) continue;
    up(file.id, 'INVALID');
    jobRestarts({ job: file.id }, 0);
  }
  invalidFiles({}, invalid.length);

  const lines: string[] = [];
  for (const [name, family] of families) {
    lines.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
    for (const { labels, value } of family.samples) lines.push(`${name}${renderLabels(labels)} ${renderValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/** Pairs each item with its name, made unique within the list ('x', 'x #2', ...) so no two series collide. */
function zipUnique<T>(items: readonly T[], nameOf: (item: T) => string): Array<[T, string]> {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const name = nameOf(item);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return [item, n === 1 ? name : `${name} #${n}`];
  });
}
