import { assertNever } from '../../src/types/data-type.js';

/**
 * Two small chart kinds, written as SVG text so the bench needs no plotting dependency and the
 * charts diff as text. Bars for figures with a few named results, a line for a series over time
 * or over a swept parameter; an optional dashed line marks the target.
 */

export interface Target {
  readonly value: number;
  readonly label: string;
}

export interface BarChart {
  readonly kind: 'bar';
  readonly title: string;
  readonly yLabel: string;
  readonly bars: readonly { readonly label: string; readonly value: number }[];
  readonly target?: Target;
}

export interface LineChart {
  readonly kind: 'line';
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Tick labels on the x axis at these values (default: five evenly spaced). */
  readonly xTicks?: readonly number[];
  /** Place x on a log2 scale (an in-flight sweep 8, 16, ... 512). */
  readonly logX?: boolean;
  readonly target?: Target;
}

export type Chart = BarChart | LineChart;

const W = 640;
const H = 320;
const M = { top: 40, right: 20, bottom: 60, left: 70 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
const COLOR = '#2f6db3';
const TARGET_COLOR = '#c0392b';

export function renderChart(chart: Chart): string {
  switch (chart.kind) {
    case 'bar':
      return renderBars(chart);
    case 'line':
      return renderLine(chart);
    default:
      return assertNever(chart, 'chart kind');
  }
}

function renderBars(c: BarChart): string {
  const yMax = niceMax(Math.max(0, ...c.bars.map((b) => b.value), c.target?.value ?? 0));
  const y = (v: number) => M.top + PLOT_H - (v / yMax) * PLOT_H;
  const slot = PLOT_W / Math.max(1, c.bars.length);
  const barW = Math.min(80, slot * 0.6);
  const parts = c.bars.map((b, i) => {
    const cx = M.left + slot * (i + 0.5);
    const top = y(b.value);
    return [
      `<rect x="${f(cx - barW / 2)}" y="${f(top)}" width="${f(barW)}" height="${f(M.top + PLOT_H - top)}" fill="${COLOR}"/>`,
      text(cx, top - 6, formatNumber(b.value), 'middle', 12),
      text(cx, M.top + PLOT_H + 18, b.label, 'middle', 12),
    ].join('');
  });
  return frame(c.title, c.yLabel, '', yMax, [...parts, targetLine(c.target, y)].join('\n'));
}

function renderLine(c: LineChart): string {
  const tx = (x: number) => (c.logX ? Math.log2(x) : x);
  const xs = c.points.map((p) => tx(p.x));
  const x0 = Math.min(...xs, c.xTicks ? Math.min(...c.xTicks.map(tx)) : Infinity);
  const x1 = Math.max(...xs, c.xTicks ? Math.max(...c.xTicks.map(tx)) : -Infinity);
  const span = x1 - x0 || 1;
  const x = (v: number) => M.left + ((tx(v) - x0) / span) * PLOT_W;
  const yMax = niceMax(Math.max(0, ...c.points.map((p) => p.y), c.target?.value ?? 0));
  const y = (v: number) => M.top + PLOT_H - (v / yMax) * PLOT_H;
  const ticks = c.xTicks ?? (c.points.length === 0 ? [] : Array.from({ length: 5 }, (_, i) => (c.logX ? 2 ** (x0 + (span * i) / 4) : x0 + (span * i) / 4)));
  const path = c.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(p.x))},${f(y(p.y))}`).join(' ');
  const parts = [
    ...ticks.map((t) => text(x(t), M.top + PLOT_H + 18, formatNumber(t), 'middle', 12)),
    c.points.length > 0 ? `<path d="${path}" fill="none" stroke="${COLOR}" stroke-width="2"/>` : '',
    // Dots only where they can be told apart: a sweep, not a time series of hundreds of samples.
    ...(c.points.length <= 20 ? c.points.map((p) => `<circle cx="${f(x(p.x))}" cy="${f(y(p.y))}" r="3.5" fill="${COLOR}"/>`) : []),
    targetLine(c.target, y),
  ];
  return frame(c.title, c.yLabel, c.xLabel, yMax, parts.join('\n'));
}

function frame(title: string, yLabel: string, xLabel: string, yMax: number, body: string): string {
  const grid = [0, 0.25, 0.5, 0.75, 1].map((k) => {
    const gy = M.top + PLOT_H - k * PLOT_H;
    return `<line x1="${M.left}" y1="${f(gy)}" x2="${M.left + PLOT_W}" y2="${f(gy)}" stroke="#ddd"/>` + text(M.left - 6, gy + 4, formatNumber(yMax * k), 'end', 11);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    text(W / 2, 24, title, 'middle', 15),
    ...grid,
    `<line x1="${M.left}" y1="${M.top + PLOT_H}" x2="${M.left + PLOT_W}" y2="${M.top + PLOT_H}" stroke="#333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PLOT_H}" stroke="#333"/>`,
    `<text x="16" y="${M.top + PLOT_H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${M.top + PLOT_H / 2})">${escapeXml(yLabel)}</text>`,
    xLabel ? text(M.left + PLOT_W / 2, H - 14, xLabel, 'middle', 12) : '',
    body,
    '</svg>',
    '',
  ].join('\n');
}

function targetLine(target: Target | undefined, y: (v: number) => number): string {
  if (!target) return '';
  const ty = f(y(target.value));
  return (
    `<line x1="${M.left}" y1="${ty}" x2="${M.left + PLOT_W}" y2="${ty}" stroke="${TARGET_COLOR}" stroke-dasharray="6 4"/>` +
    text(M.left + PLOT_W - 4, Number(ty) - 5, target.label, 'end', 11, TARGET_COLOR)
  );
}

function text(x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end', size: number, fill = '#222'): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}">${escapeXml(s)}</text>`;
}

/** The smallest 1, 2 or 5 x 10^k at or above the largest value, so grid labels are round. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function formatNumber(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10 || Number.isInteger(v)) return String(Math.round(v * 10) / 10);
  return String(Math.round(v * 1000) / 1000);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}
