import { describe, expect, it, vi } from 'vitest';
import { bindPipeline, type BindContext } from '../../src/daemon/bind-pipeline.js';
import { mapLeafSources, type PipelinePlan } from '../../src/planner/pipeline-plan.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { ConnectorContext } from '../../src/spi/connector.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Source, SourceContext } from '../../src/spi/source.js';
import type { Row } from '../../src/types/data-type.js';
import { onlyPipeline } from '../planner/plan-helpers.js';
import { silentLogger } from '../support/silent-logger.js';

const DDL = `
CREATE TABLE a (id INT, txt STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE b (id BIGINT, body STRING, n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
`;

/** A bounded source of `n` records [id, text, ...] respecting the flow window, recording acks and what it read when. */
function recordingSource(name: string, n: number, row: (i: number) => Row, log: string[]): Source & { acked: number[]; nacked: number[] } {
  const src = {
    acked: [] as number[],
    nacked: [] as number[],
    bounded: true,
    async run(ctx: SourceContext) {
      for (let i = 0; i < n; i++) {
        if (ctx.flow.full) await ctx.flow.drained(ctx.signal);
        if (ctx.signal.aborted) return;
        log.push(`${name}${i}`);
        ctx.push({ row: row(i), ack: () => src.acked.push(i), nack: () => src.nacked.push(i) });
      }
    },
    async close() {},
  };
  return src;
}

/** A sink that takes a few ms per write (a timer, not a fixed wait in the test), so the window fills. */
function slowSink(): Sink & { rows: Row[] } {
  const sink = {
    rows: [] as Row[],
    async write(rows: readonly Row[]) {
      await new Promise((r) => setImmediate(r));
      sink.rows.push(...rows);
    },
    async close() {},
  };
  return sink;
}

/** Binds the plan as the daemon does, each table's connector replaced by the given source. */
function bind(plan: PipelinePlan, sources: Record<string, Source>, sink: Sink, maxRows = 4): Pipeline {
  const swapped = mapLeafSources(plan.source, (leaf) =>
    leaf.kind === 'table' ? { kind: 'table', table: { ...leaf.table, connector: { ...leaf.table.connector, createSource: () => sources[leaf.table.name]! } } } : leaf,
  );
  const ctx: BindContext = {
    connector: { jobId: 'j' } as ConnectorContext,
    model: () => { throw new Error('no model in this job'); },
    pipeline: { inFlightPerConcurrency: 2, sinkBatchMaxRows: maxRows, sinkLingerMs: 1 } as BindContext['pipeline'],
    printSink: () => sink,
  };
  return Pipeline.create(bindPipeline({ ...plan, source: swapped }, ctx), silentLogger());
}

describe('UNION ALL at run time', () => {
  it('writes the rows of both inputs, cast to the union types, and acks every record to its own input', async () => {
    const log: string[] = [];
    const a = recordingSource('a', 30, (i) => [i, `a${i}`], log);
    const b = recordingSource('b', 30, (i) => [1000 + i, i % 3 === 0 ? null : `b${i}`, i], log);
    const sink = slowSink();
    const plan = onlyPipeline(`${DDL}SELECT id, txt FROM a WHERE id % 2 = 0 UNION ALL SELECT id, body FROM b;`);
    const pipeline = bind(plan, { a, b }, sink);
    expect(await pipeline.start()).toBe('FINISHED');
    expect(sink.rows).toHaveLength(15 + 30);
    expect(sink.rows.filter((r) => (r[0] as number) < 1000).map((r) => r[1])).toEqual(Array.from({ length: 15 }, (_, i) => `a${i * 2}`));
    expect(sink.rows.filter((r) => (r[0] as number) >= 1000)).toContainEqual([1003, null]);
    // Filtered records are acked too: every record of each input, to that input.
    expect(a.acked.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(b.acked.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(a.nacked.concat(b.nacked)).toEqual([]);
  });

  it('interleaves the inputs: neither reads all its records before the other starts', async () => {
    const log: string[] = [];
    const a = recordingSource('a', 40, (i) => [i, 'x'], log);
    const b = recordingSource('b', 40, (i) => [i, 'y', 0], log);
    const pipeline = bind(onlyPipeline(`${DDL}SELECT id, txt FROM a UNION ALL SELECT id, body FROM b;`), { a, b }, slowSink(), 4);
    await pipeline.start();
    const firstHalf = log.slice(0, 40);
    expect(firstHalf.filter((e) => e.startsWith('a')).length).toBeGreaterThanOrEqual(16);
    expect(firstHalf.filter((e) => e.startsWith('b')).length).toBeGreaterThanOrEqual(16);
  });

  it('fails the job when one input fails, after the other inputs stopped reading', async () => {
    const log: string[] = [];
    const a = recordingSource('a', 5, (i) => [i, 'x'], log);
    const broken: Source = { async run() { throw new Error('broker gone'); }, async close() {} };
    const close = vi.fn(async () => {});
    const pipeline = bind(onlyPipeline(`${DDL}SELECT id, txt FROM a UNION ALL SELECT id, body FROM b;`), { a: { ...a, close }, b: broken }, slowSink());
    expect(await pipeline.start()).toBe('FAILED');
    expect(pipeline.failure?.message).toBe('broker gone');
    expect(close).toHaveBeenCalledTimes(1);
  });
});
