/**
 * Where one histogram observation goes. A prom-client Histogram child, bound to its labels once
 * (`histogram.labels({...})`), fits as is: the hot path calls observe() with a number and
 * allocates no label object per row.
 */
export interface ValueObserver {
  observe(value: number): void;
}

/** Observes nothing: the default when no metrics are wired (tests, `predictd test`). */
export const NO_OBSERVER: ValueObserver = Object.freeze({ observe: () => {} });

/**
 * How one model request (one HTTP request: a micro-batch counts once) ended, as the
 * request-duration histogram labels it: `ok` (an answer), `throttled` (429), `timeout` (it ran
 * out of `client-timeout`), `error` (any other failure), `canceled` (the job stopped under it).
 */
export type RequestOutcome = 'ok' | 'throttled' | 'timeout' | 'error' | 'canceled';

export const REQUEST_OUTCOMES: readonly RequestOutcome[] = Object.freeze(['ok', 'throttled', 'timeout', 'error', 'canceled']);

/** One pre-bound observer per outcome: seconds per request. */
export type RequestDurationObservers = Readonly<Record<RequestOutcome, ValueObserver>>;
