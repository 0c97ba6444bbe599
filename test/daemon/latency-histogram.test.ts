import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/daemon/latency-histogram.js';
import { LATENCY_BUCKETS_SECONDS } from '../../src/daemon/metric-families.js';

const OPTS = { name: 'predictd_test_seconds', help: 'Seconds of a test.', labelNames: ['job', 'model'] as const, buckets: LATENCY_BUCKETS_SECONDS };

/** The same steps on prom-client's Histogram and on LatencyHistogram, each in its own registry. */
function both(steps: (h: { zero(l: Record<'job' | 'model', string>): void; remove(l: Record<'job' | 'model', string>): void; observe(l: Record<'job' | 'model', string>, v: number): void }) => void) {
  const promRegistry = new Registry();
  const ours = new Registry();
  const prom = new Histogram({ ...OPTS, labelNames: [...OPTS.labelNames], buckets: [...OPTS.buckets], registers: [promRegistry] });
  const latency = new LatencyHistogram({ ...OPTS, registers: [ours] });
  steps({ zero: (l) => prom.zero(l), remove: (l) => prom.remove(l), observe: (l, v) => prom.labels(l).observe(v) });
  steps({ zero: (l) => latency.zero(l), remove: (l) => latency.remove(l), observe: (l, v) => latency.labels(l).observe(v) });
  return { promRegistry, ours };
}

describe('LatencyHistogram', () => {
  it('scrapes as prom-client`s Histogram does for the same observations (text and JSON)', async () => {
    const a = { job: 'j1', model: 'm' };
    const b = { job: 'j2', model: 'm' };
    const c = { job: 'j3', model: 'gone' };
    const { promRegistry, ours } = both((h) => {
      h.zero(a);
      h.zero(c);
      // On a bound (le is inclusive), between bounds, above every bound.
      for (const v of [0.01, 0.011, 0.3, 0.3, 61, 0]) h.observe(a, v);
      h.observe(b, 2.5);
      h.observe(c, 1);
      h.remove(c);
    });
    expect(await ours.metrics()).toBe(await promRegistry.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await promRegistry.getMetricsAsJSON());
  });

  it('an observer kept after its series was removed brings the series back, and zero() clears a series', async () => {
    const reg = new Registry();
    const h = new LatencyHistogram({ ...OPTS, registers: [reg] });
    const labels = { job: 'j', model: 'm' };
    const observer = h.labels(labels);
    observer.observe(0.2);
    h.remove(labels);
    expect(await reg.metrics()).not.toContain('job="j"');
    observer.observe(0.2);
    expect(await reg.metrics()).toContain('predictd_test_seconds_count{job="j",model="m"} 2');
    h.zero(labels);
    expect(await reg.metrics()).toContain('predictd_test_seconds_count{job="j",model="m"} 0');
    expect(() => observer.observe(Number.NaN)).toThrow(TypeError);
  });
});
