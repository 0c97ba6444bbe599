/** The parts of GET /jobs/{id}/status the table shows (admin-status-view.ts has the full shape). */
export interface StatusView {
  readonly id: string;
  readonly state: string;
  readonly targetState?: string;
  readonly inFlight?: number;
  readonly rates?: { readonly inPerSec: number; readonly outPerSec: number };
  readonly lag?: number | null;
  readonly errors?: { readonly total: number } | readonly string[];
  readonly restarts?: number;
  readonly attempt?: number;
  readonly nextAttemptAt?: string;
  readonly error?: string | null;
  readonly lastError?: { readonly message: string; readonly at: string } | null;
  readonly pipelines?: ReadonlyArray<{ readonly name: string; readonly bounded?: boolean; readonly partitions?: ReadonlyArray<{ readonly committedOffset?: string; readonly endOffset?: string }> }>;
  readonly models?: ReadonlyArray<{ readonly model: string; readonly stats: Readonly<Record<string, unknown>> }>;
  readonly cost?: unknown;
}

const HEADER = ['JOB', 'STATE', 'IN/S', 'OUT/S', 'LAG', 'IN-FLIGHT', 'ERRORS', 'TOKENS', 'COST'];

/**
 * `predictd status` as text: one row per job (like `rpk group describe` or `kubectl get`), then a
 * progress line per bounded job and the last error of jobs that are not well. '-' is unknown.
 */
export function renderStatus(jobs: readonly StatusView[], url: string): string {
  if (jobs.length === 0) return `no jobs (${url})\n`;
  const rows = jobs.map((j) => [
    j.id,
    j.state === 'PAUSED' || j.targetState !== 'PAUSED' ? j.state : `${j.state} (pausing)`,
    rate(j.rates?.inPerSec),
    rate(j.rates?.outPerSec),
    j.lag === null || j.lag === undefined ? '-' : String(j.lag),
    j.inFlight === undefined ? '-' : String(j.inFlight),
    errorCount(j),
    tokens(j),
    cost(j),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(HEADER), ...rows.map(line)];
  for (const j of jobs) {
    const progress = boundedProgress(j);
    if (progress) out.push(`${j.id}: ${progress}`);
  }
  for (const j of jobs) {
    const problem = trouble(j);
    if (problem) out.push(`${j.id}: ${problem}`);
  }
  return `${out.join('\n')}\n`;
}

function rate(v: number | undefined): string {
  return v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function errorCount(j: StatusView): string {
  if (Array.isArray(j.errors)) return String(j.errors.length);
  const e = j.errors as { total: number } | undefined;
  return e ? String(e.total) : '-';
}

function sumStat(j: StatusView, keys: readonly string[]): number | undefined {
  let found = false;
  let n = 0;
  for (const m of j.models ?? []) {
    for (const k of keys) {
      const v = m.stats[k];
      if (typeof v === 'number') {
        found = true;
        n += v;
      }
    }
  }
  return found ? n : undefined;
}

function tokens(j: StatusView): string {
  const n = sumStat(j, ['promptTokens', 'completionTokens']);
  return n === undefined ? '-' : String(n);
}

/** Cost appears when the daemon reports it (models with cost.* options): per job, or per model. */
function cost(j: StatusView): string {
  const v = typeof j.cost === 'number' ? j.cost : typeof (j.cost as { total?: unknown } | undefined)?.total === 'number' ? (j.cost as { total: number }).total : sumStat(j, ['cost']);
  return v === undefined ? '-' : v.toFixed(4);
}

/** `done/total rows (p%)` over the bounded pipelines (VALUES, datagen with number-of-rows). */
function boundedProgress(j: StatusView): string | undefined {
  const bounded = (j.pipelines ?? []).filter((p) => p.bounded);
  if (bounded.length === 0) return undefined;
  let done = 0;
  let total = 0;
  for (const p of bounded) {
    for (const part of p.partitions ?? []) {
      done += Number(part.committedOffset ?? 0);
      total += Number(part.endOffset ?? 0);
    }
  }
  if (total === 0) return undefined;
  return `${done}/${total} rows (${Math.floor((done * 100) / total)}%)`;
}

function trouble(j: StatusView): string | undefined {
  if (j.state === 'RESTARTING' && j.nextAttemptAt) return `restart ${j.attempt ?? '?'} at ${j.nextAttemptAt}: ${j.lastError?.message ?? j.error ?? ''}`.trimEnd();
  if (j.state === 'FAILED' || j.state === 'INVALID') return j.lastError ? `${j.lastError.message} (at ${j.lastError.at})` : (j.error ?? undefined) ?? undefined;
  return undefined;
}
