import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { REQUEST_OUTCOMES, type RequestDurationObservers, type RequestOutcome, type ValueObserver } from '../spi/metrics.js';
import { fillSnapshotMetrics } from './admin-metrics.js';
import type { AdminJobSnapshot } from './admin-server.js';
import type { InvalidJob } from './job-manager.js';
import { createMetricFamilies, type MetricFamilies } from './metric-families.js';

/**
 * The daemon's metrics: one prom-client Registry per daemon (never the global one: tests run
 * several daemons in one process, and an embedding application keeps its own).
 *
 * Histograms are observed live through label children bound once per pipeline and per model
 * (rowLatency(), requestDuration()): the hot path calls observe() with a number, which only bumps
 * a bucket (latency-histogram.ts, registered in the same Registry). Their series
 * live as long as the job id is loaded, across restart attempts and file changes. Everything
 * else is set from the jobs' snapshots when scraped (render()).
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  readonly #families: MetricFamilies;
  /** Job ids that have histogram series, to drop them once the job is gone. */
  readonly #histogramJobs = new Map<string, { pipelines: Set<string>; models: Set<string> }>();
  #processMetrics = false;

  constructor(version: string = packageVersion()) {
    this.#families = createMetricFamilies(this.registry);
    this.#families.buildInfo.set({ version, node_version: process.version }, 1);
  }

  /**
   * Node.js and process metrics (CPU, memory, event loop lag, GC, handles), unprefixed as every
   * Node.js dashboard expects them. Only once someone can scrape: prom-client's GC observer and
   * event-loop monitor stay for the life of the process. Idempotent.
   */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The end-to-end latency histogram child of one pipeline. The first time, its series is set to
   * zeros so that it shows before the first row; a restart attempt asks again and keeps the counts.
   */
  rowLatency(job: string, pipeline: string): ValueObserver {
    const h = this.#families.live.rowLatency;
    const { pipelines } = this.#track(job);
    if (!pipelines.has(pipeline)) {
      pipelines.add(pipeline);
      h.zero({ job, pipeline });
    }
    return h.labels({ job, pipeline });
  }

  /** The request-duration histogram children of one model, one per outcome (zeros first, as rowLatency()). */
  requestDuration(job: string, model: string): RequestDurationObservers {
    const h = this.#families.live.requestDuration;
    const { models } = this.#track(job);
    if (!models.has(model)) {
      models.add(model);
      for (const outcome of REQUEST_OUTCOMES) h.zero({ job, model, outcome });
    }
    const children = {} as Record<RequestOutcome, ValueObserver>;
    for (const outcome of REQUEST_OUTCOMES) children[outcome] = h.labels({ job, model, outcome });
    return Object.freeze(children);
  }

  /** Prometheus text format 0.0.4 of everything, the snapshot families set from `jobs` first. */
  async render(jobs: readonly AdminJobSnapshot[], invalid: readonly InvalidJob[]): Promise<string> {
    fillSnapshotMetrics(this.#families.snapshot, jobs, invalid);
    this.#dropGoneJobs(new Set(jobs.map((j) => j.id)));
    // Every family reads its values synchronously inside metrics(): a scrape sees one instant.
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #track(job: string): { pipelines: Set<string>; models: Set<string> } {
    let series = this.#histogramJobs.get(job);
    if (!series) this.#histogramJobs.set(job, (series = { pipelines: new Set(), models: new Set() }));
    return series;
  }

  /**
   * A removed job file takes its histograms along. Checked at every scrape rather than once: a
   * removed job's pipelines may still write while they drain, which brings a series back.
   */
  #dropGoneJobs(present: ReadonlySet<string>): void {
    const { rowLatency, requestDuration } = this.#families.live;
    for (const [job, series] of this.#histogramJobs) {
      if (present.has(job)) continue;
      for (const pipeline of series.pipelines) rowLatency.remove({ job, pipeline });
      for (const model of series.models) for (const outcome of REQUEST_OUTCOMES) requestDuration.remove({ job, model, outcome });
    }
  }
}

/** The version in package.json: two levels up from src/daemon, three from the build's dist/src/daemon. */
function packageVersion(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'predictd' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}
