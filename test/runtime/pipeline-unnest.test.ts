import { describe, expect, it, vi } from 'vitest';
import { bindPipeline, type BindContext } from '../../src/daemon/bind-pipeline.js';
import type { PipelinePlan } from '../../src/planner/pipeline-plan.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { ConnectorContext } from '../../src/spi/connector.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Source } from '../../src/spi/source.js';
import type { Row } from '../../src/types/data-type.js';
import { onlyPipeline } from '../planner/plan-helpers.js';
import { silentLogger } from '../support/silent-logger.js';

const JOB = `
CREATE TABLE answers (id INT, tags ARRAY<STRING>) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
SELECT id, tag, i FROM answers CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t(tag, i);
`;

/** A sink whose writes wait until the test lets them through. */
function gatedSink(): Sink & { rows: Row[]; open(): void; pending: number } {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const sink = {
    rows: [] as Row[],
    pending: 0,
    async write(rows: readonly Row[]) {
      sink.pending++;
      await gate;
      sink.pending--;
      sink.rows.push(...rows);
    },
    open() {
      release();
      gate = Promise.resolve();
    },
    async close() {},
  };
  return sink;
}

function bind(plan: PipelinePlan, source: Source, sink: Sink): Pipeline {
  const ctx: BindContext = {
    connector: { jobId: 'j' } as ConnectorContext,
    model: () => { throw new Error('no model in this job'); },
    pipeline: { inFlightPerConcurrency: 2, sinkBatchMaxRows: 64, sinkLingerMs: 1 } as BindContext['pipeline'],
    printSink: () => sink,
  };
  // The table's connector is replaced by a recording source: bind a plan without it, then swap.
  const bound = bindPipeline({ ...plan, source: { kind: 'values', rows: [], description: 'none' } }, ctx);
  return Pipeline.create({ ...bound, source }, silentLogger());
}

describe('CROSS JOIN UNNEST at run time', () => {
  it('writes one row per element and acks the source record only once all its rows are written', async () => {
    const acked: number[] = [];
    const source: Source = {
      bounded: true,
      async run(ctx) {
        const records: Row[] = [[1, ['a', 'b', 'c']], [2, []], [3, null], [4, ['d']]];
        for (const row of records) ctx.push({ row, ack: () => acked.push(row[0] as number), nack: () => {} });
      },
      async close() {},
    };
    const sink = gatedSink();
    const pipeline = bind(onlyPipeline(JOB), source, sink);
    const done = pipeline.start();
    // Records 2 and 3 fan out to no row: acked at once. 1 and 4 wait for the sink.
    await vi.waitFor(() => {
      expect(sink.pending).toBeGreaterThan(0);
      expect(acked.sort()).toEqual([2, 3]);
    });
    sink.open();
    expect(await done).toBe('FINISHED');
    expect(sink.rows).toEqual([[1, 'a', 1], [1, 'b', 2], [1, 'c', 3], [4, 'd', 1]]);
    expect(acked.sort()).toEqual([1, 2, 3, 4]);
    expect(pipeline.stats.recordsIn).toBe(4);
    expect(pipeline.stats.rowsOut).toBe(4);
  });
});
