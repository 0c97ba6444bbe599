/** One event seen by a quota: when (ms) and what it costs (1 for a request, its tokens for a token quota). */
export interface QuotaEvent {
  readonly at: number;
  readonly weight: number;
}

export interface WindowStats {
  /** The most weight inside any window of `windowMs` (a window (t - windowMs, t] ending at an event). */
  readonly max: number;
  /** Events that arrived while their window already held `quota` or more: what a strict provider would refuse. */
  readonly over: number;
}

/**
 * A provider's quota is a sliding window, so the figure that matters is the worst window, not
 * the average: a limiter that averages 100/s but sends 130 in one second gets 429s.
 */
export function windowStats(events: readonly QuotaEvent[], windowMs: number, quota: number): WindowStats {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  let max = 0;
  let over = 0;
  let sum = 0;
  let tail = 0;
  for (const e of sorted) {
    while (sorted[tail]!.at <= e.at - windowMs) sum -= sorted[tail++]!.weight;
    if (sum + e.weight > quota) over++;
    sum += e.weight;
    max = Math.max(max, sum);
  }
  return { max, over };
}

/** Events per second between the first and the last event (0 for fewer than two). */
export function ratePerSecond(events: readonly QuotaEvent[]): number {
  if (events.length < 2) return 0;
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const span = sorted[sorted.length - 1]!.at - sorted[0]!.at;
  // The first event opens the span: only what follows it was sent during it.
  const weight = sorted.reduce((s, e) => s + e.weight, 0) - sorted[0]!.weight;
  return span > 0 ? (weight * 1000) / span : 0;
}
