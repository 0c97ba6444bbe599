import type { KafkaBench } from './kafka-bench.js';
import type { Chart } from './svg-chart.js';

export interface BenchContext {
  readonly kafka: KafkaBench;
  /** A short smoke run: fewer rows, shorter windows; its results say so wherever they are written. */
  readonly quick: boolean;
  /** How long P5 holds a stalled sink. */
  readonly stallSeconds: number;
  log(msg: string): void;
}

export type TableRow = Readonly<Record<string, string | number>>;

export interface FigureResult {
  /** The printed table, also written to the JSON file and docs/benchmarks.md. */
  readonly table: readonly TableRow[];
  /** The headline numbers, each next to its target from the issue. */
  readonly summary: readonly { readonly measure: string; readonly result: string; readonly target: string; /** Undefined for a reference figure, which has no target. */ readonly met?: boolean }[];
  /** Written as docs/benchmarks/<name>.svg. */
  readonly charts: readonly { readonly name: string; readonly chart: Chart }[];
  /** Anything else worth keeping in the JSON (settings, raw series). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface Figure {
  readonly id: 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6';
  readonly title: string;
  run(ctx: BenchContext): Promise<FigureResult>;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
