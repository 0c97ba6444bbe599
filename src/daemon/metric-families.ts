import { Counter, Gauge, type Registry } from 'prom-client';
import { LatencyHistogram } from './latency-histogram.js';

/**
 * Buckets for latencies that include a remote model call: 10 ms (a local model, a cache hit)
 * to 60 s (a long generation, the default `client-timeout`). Above that, only `+Inf`.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60]);

const PIPELINE = ['job', 'pipeline'] as const;
const MODEL = ['job', 'model'] as const;
const PARTITION = ['job', 'pipeline', 'topic', 'partition'] as const;

/**
 * Every predictd series, declared once: name, help, type, labels (docs/operations.md lists them).
 * `live` ones are observed as things happen (the histograms); the others are set from the jobs'
 * snapshots at each scrape (admin-metrics.ts), so the hot path only bumps plain numbers.
 */
export function createMetricFamilies(registry: Registry) {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new LatencyHistogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS_SECONDS, registers });

  const live = {
    rowLatency: histogram(
      'predictd_row_latency_seconds',
      "Seconds from a record's read to the sink's acknowledgement of its rows (records filtered, dropped or dead-lettered are not observed).",
      PIPELINE,
    ),
    requestDuration: histogram(
      'predictd_model_request_duration_seconds',
      'Seconds per model request (one HTTP request; a micro-batch counts once), by outcome: ok, throttled (429), timeout (client-timeout), error, canceled (the job stopped).',
      [...MODEL, 'outcome'],
    ),
  };

  const buildInfo = gauge('predictd_build_info', 'Always 1; the labels say which predictd and which Node.js run.', ['version', 'node_version']);

  const snapshot = {
    jobState: gauge(
      'predictd_job_state',
      "1 for the job's current state, 0 for the others (a state set). INVALID: a job file that does not compile, with no older version running.",
      ['job', 'state'],
    ),
    jobRestarts: counter('predictd_job_restarts_total', 'Restarts the restart strategy made since the job file was loaded.', ['job']),
    jobLastFailure: gauge('predictd_job_last_failure_timestamp_seconds', 'When the job last failed (seconds since the epoch); absent for a job that has not failed.', ['job']),
    invalidFiles: gauge('predictd_invalid_job_files', 'Job files whose last version failed to compile (an older version may still run).', []),

    recordsIn: counter('predictd_records_in_total', 'Records read from the source.', PIPELINE),
    rowsOut: counter('predictd_rows_out_total', 'Rows handed to the sink.', PIPELINE),
    nullInputs: counter('predictd_null_inputs_dropped_total', 'Rows dropped without a model call because the model input was NULL (as Flink does).', PIPELINE),
    rowsFailed: counter(
      'predictd_rows_failed_total',
      'Records that failed for good and were routed, by stage (decode, transform, predict, sink) and action (dead_lettered: written to the dead-letter queue; dropped: no queue).',
      [...PIPELINE, 'stage', 'action'],
    ),
    sinkRetries: counter('predictd_sink_retries_total', 'Sink writes that failed and were retried.', PIPELINE),
    deadLetterRetries: counter('predictd_dead_letter_retries_total', 'Dead-letter writes that failed and were retried.', PIPELINE),
    inFlight: gauge('predictd_in_flight', 'Records read but not yet written, dropped or dead-lettered (the in-flight window in use).', PIPELINE),

    committedOffset: gauge('predictd_source_committed_offset', 'The offset the source resumes a partition from after a restart (what it committed).', PARTITION),
    endOffset: gauge('predictd_source_end_offset', "The partition's end offset (high watermark) as last seen.", PARTITION),
    lag: gauge('predictd_source_lag', 'Records of the partition not yet committed: end offset - committed offset.', PARTITION),

    modelRows: counter('predictd_model_rows_total', 'Rows sent to the model (predict calls; retries not counted).', MODEL),
    modelRetries: counter('predictd_model_retries_total', 'Attempts after the first, throttled ones included.', MODEL),
    modelErrors: counter(
      'predictd_model_errors_total',
      'Failed attempts by kind, one per row attempt: throttled (429), timeout (client-timeout ran out), malformed (a 2xx answer that could not be read, or that did not conform to a structured OUTPUT), transient (other retryable: 5xx, resets), fatal (other 4xx).',
      [...MODEL, 'kind'],
    ),
    modelRowTimeouts: counter('predictd_model_row_timeouts_total', "Rows whose per-row timeout ran out (the error strategy decided what became of them).", MODEL),
    modelTokens: counter('predictd_model_tokens_total', 'Tokens the model API reported as used, by type (input: prompt; output: completion).', [...MODEL, 'type']),
    modelCost: counter(
      'predictd_model_cost_total',
      'What the reported tokens cost at the model\'s cost.input-per-1m-tokens and cost.output-per-1m-tokens, in the currency those are given in; only for priced models.',
      MODEL,
    ),
    modelCacheHits: counter(
      'predictd_model_cache_hits_total',
      'Rows answered by the response cache (a stored answer, or an identical call in flight) without a call of their own; only for models with cache.enabled.',
      MODEL,
    ),
    modelCacheMisses: counter('predictd_model_cache_misses_total', 'Rows of a model with cache.enabled that had to call the model.', MODEL),
    modelCacheEvictions: counter('predictd_model_cache_evictions_total', 'Cached answers evicted to stay within cache.max-entries (least recently used first).', MODEL),
    modelContextOverflow: counter(
      'predictd_model_context_overflow_total',
      "Rows whose prompt (system prompt + input text) was over the model's max-context-size, by the context-overflow-action applied: truncated-* (sent cut to fit) or skipped* (dropped without a call).",
      [...MODEL, 'action'],
    ),
    limiterRate: gauge('predictd_limiter_requests_per_minute', "Requests per minute the model's quota allows now (lowered after a 429, raised back slowly).", MODEL),
    limiterQueued: gauge('predictd_limiter_queued', "Requests waiting for the model's quota.", MODEL),
    limiterPausedUntil: gauge('predictd_limiter_paused_until_timestamp_seconds', "Until when a Retry-After pauses the model's quota (seconds since the epoch); 0 when not paused.", MODEL),
  };

  return { buildInfo, live, snapshot };
}

export type MetricFamilies = ReturnType<typeof createMetricFamilies>;
