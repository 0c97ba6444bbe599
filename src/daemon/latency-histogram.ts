import type { Metric, Registry } from 'prom-client';
import type { ValueObserver } from '../spi/metrics.js';

type Labels<L extends string> = Readonly<Record<L, string>>;

/** A value as a prom-client Registry reads it from a metric's get() / getForPromString(). */
interface ExportedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels?: Readonly<Record<string, string>>;
  readonly value: number;
  readonly metricName: string;
  readonly exemplar: null | undefined;
}

interface ExportedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly values: readonly ExportedValue[];
  readonly aggregator: 'sum';
}

/** One label set's counts; an observer of it is made once, so observe() only finds the bucket and adds. */
class Series<L extends string> implements ValueObserver {
  readonly labels: Labels<L>;
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  /** False once removed or reset: the next observation puts it back, as prom-client would. */
  listed = true;
  readonly #owner: LatencyHistogram<L>;

  constructor(owner: LatencyHistogram<L>, labels: Labels<L>, buckets: number) {
    this.#owner = owner;
    this.labels = labels;
    this.counts = new Float64Array(buckets);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.#owner.upperBounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (!this.listed) this.#owner.relist(this);
  }
}

/**
 * A Prometheus histogram for the hot path (row latency, model request duration), in a prom-client
 * Registry as a metric of its own. prom-client's Histogram turns the label set of every
 * observation into a checked, hashed key (1 to 2 µs, twice per row); here that happens once per
 * label set, when its observer is made. What a scrape shows is what prom-client's Histogram shows
 * for the same observations: `_bucket` by `le` (cumulative, then `+Inf`), `_sum`, `_count`.
 */
export class LatencyHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly upperBounds: readonly number[];
  readonly #labelNames: readonly L[];
  readonly #series = new Map<string, Series<L>>();

  constructor(opts: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registers: readonly Registry[] }) {
    this.name = opts.name;
    this.help = opts.help;
    this.#labelNames = opts.labelNames;
    this.upperBounds = [...opts.buckets].sort((a, b) => a - b);
    for (const registry of opts.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The observer of one label set (every label named), listed at zero when new. */
  labels(labels: Labels<L>): ValueObserver {
    const key = this.#key(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = new Series(this, { ...labels }, this.upperBounds.length);
      this.#series.set(key, series);
    }
    return series;
  }

  /** The label set's series at zero (listed, so it shows before anything is observed). */
  zero(labels: Labels<L>): void {
    const series = this.labels(labels) as Series<L>;
    series.counts.fill(0);
    series.sum = 0;
    series.count = 0;
  }

  remove(labels: Labels<L>): void {
    const key = this.#key(labels);
    const series = this.#series.get(key);
    if (!series) return;
    series.listed = false;
    this.#series.delete(key);
  }

  reset(): void {
    for (const series of this.#series.values()) series.listed = false;
    this.#series.clear();
  }

  /** An observer kept after its series was removed observed again: the series is back with what it held (prom-client would count into a fresh one), unless another took its place. */
  relist(series: Series<L>): void {
    const key = this.#key(series.labels);
    if (this.#series.has(key)) return;
    series.listed = true;
    this.#series.set(key, series);
  }

  /** As prom-client's Histogram.getForPromString(): the series' labels shared, `le` of their own. */
  async getForPromString(): Promise<ExportedMetric> {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucket, exemplar: null });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count`, exemplar: undefined });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As prom-client's Histogram.get(): the shared labels merged into each value's own. */
  async get(): Promise<ExportedMetric> {
    const data = await this.getForPromString();
    const values = data.values.map(({ labels, sharedLabels, value, metricName, exemplar }) => ({ labels: { ...labels, ...sharedLabels }, value, metricName, exemplar }));
    return { ...data, values };
  }

  #key(labels: Labels<L>): string {
    let key = '';
    for (const name of this.#labelNames) {
      const value = labels[name];
      if (value === undefined) throw new Error(`histogram ${this.name}: label '${name}' missing`);
      key += `${value}\u0000`;
    }
    return key;
  }
}
