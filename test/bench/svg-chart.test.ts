import { describe, expect, it } from 'vitest';
import { escapeXml, niceMax, renderChart } from '../../bench/support/svg-chart.js';

describe('renderChart', () => {
  it('draws one bar per result with its value and label, and the target as a dashed line', () => {
    const svg = renderChart({
      kind: 'bar',
      title: 'P2 <rows/s>',
      yLabel: 'rows/s',
      bars: [
        { label: 'model', value: 1500 },
        { label: 'raw', value: 9000 },
      ],
      target: { value: 10_000, label: 'target' },
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect /g)).toHaveLength(3); // background + two bars
    expect(svg).toContain('>1,500<');
    expect(svg).toContain('>9,000<');
    expect(svg).toContain('P2 &lt;rows/s&gt;');
    expect(svg).toContain('stroke-dasharray');
    // The axis reaches the target: 10,000 is the top grid label.
    expect(svg).toContain('>10,000<');
  });

  it('scales bars to the axis: a bar at half the maximum is half as tall', () => {
    const svg = renderChart({ kind: 'bar', title: 't', yLabel: 'y', bars: [{ label: 'a', value: 5 }, { label: 'b', value: 10 }] });
    const heights = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[0]! * 2).toBeCloseTo(heights[1]!, 0);
  });

  it('draws a sweep on a log2 axis with evenly spaced doublings', () => {
    const svg = renderChart({
      kind: 'line',
      title: 'sweep',
      xLabel: 'in flight',
      yLabel: 'efficiency',
      logX: true,
      xTicks: [8, 16, 32],
      points: [
        { x: 8, y: 1 },
        { x: 16, y: 0.9 },
        { x: 32, y: 0.5 },
      ],
    });
    const xs = [...svg.matchAll(/<circle cx="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 1);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
  });

  it('leaves out dots on a long time series', () => {
    const points = Array.from({ length: 300 }, (_, i) => ({ x: i, y: 100 + (i % 3) }));
    const svg = renderChart({ kind: 'line', title: 'rss', xLabel: 's', yLabel: 'MB', points });
    expect(svg).not.toContain('<circle');
  });
});

describe('niceMax and escapeXml', () => {
  it('rounds an axis up to 1, 2 or 5 times a power of ten', () => {
    expect([niceMax(0.83), niceMax(1280), niceMax(9000), niceMax(0), niceMax(100)]).toEqual([1, 2000, 10_000, 1, 100]);
  });

  it('escapes markup', () => {
    expect(escapeXml(`a<b & "c">`)).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });
});
