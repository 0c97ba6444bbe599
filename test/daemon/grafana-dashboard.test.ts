import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DaemonMetrics } from '../../src/daemon/daemon-metrics.js';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string }>;
}

const dashboard = JSON.parse(readFileSync(new URL('../../docker/grafana-dashboard.json', import.meta.url), 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ query: { query: string } }> };
};

describe('docker/grafana-dashboard.json', () => {
  it('queries only series the daemon exposes', () => {
    const metrics = new DaemonMetrics('test');
    metrics.collectProcessMetrics();
    const exposed = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
    const exprs = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query.query)];
    const used = new Set(exprs.flatMap((e) => e.match(/\b(?:predictd|process|nodejs)_[a-z0-9_]+/g) ?? []));
    const unknown = [...used].filter((name) => !exposed.has(name) && !exposed.has(name.replace(/_(bucket|count|sum)$/, '')));
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });

  it('shows rows/s, lag, latency quantiles, errors, tokens, cost and job states', () => {
    const text = JSON.stringify(dashboard.panels.map((p) => [p.title, p.targets?.map((t) => t.expr)]));
    for (const series of ['predictd_records_in_total', 'predictd_source_lag', 'predictd_row_latency_seconds_bucket', 'predictd_model_request_duration_seconds_bucket', 'predictd_model_errors_total', 'predictd_rows_failed_total', 'predictd_model_tokens_total', 'predictd_model_cost_total', 'predictd_job_state']) {
      expect(text, series).toContain(series);
    }
    expect(text).toContain('histogram_quantile(0.99');
  });
});
