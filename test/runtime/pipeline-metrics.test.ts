import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Source, SourceContext } from '../../src/spi/source.js';
import type { Row } from '../../src/types/data-type.js';
import { silentLogger } from '../support/silent-logger.js';

/** A bounded source of rows [0], [1], ... pushed at once. */
function rows(n: number): Source {
  return {
    async run(ctx: SourceContext) {
      for (let i = 0; i < n; i++) ctx.push({ row: [i], ack: () => {}, nack: () => {} });
    },
    async close() {},
  };
}

describe('Pipeline metrics', () => {
  it('observes each written record once, from its read to the sink acknowledgement, on the injected clock', async () => {
    let now = 1_000;
    const seen: number[] = [];
    const sink: Sink = {
      async write() {
        now += 1_500; // the write takes 1.5 s of pipeline time
      },
      async close() {},
    };
    // Row 1 is filtered out: it never reaches the sink, so it is not a written record's latency.
    const dropOne = { kind: 'transform' as const, description: 'WHERE id <> 1', apply: (row: Row) => (row[0] === 1 ? [] : [row]) };
    const pipeline = Pipeline.create(
      { jobId: 'j', name: 'p', source: rows(3), stages: [dropOne], sink, maxInFlight: 8, sinkBatch: { maxRows: 16, lingerMs: 1 } },
      silentLogger(),
      { rowLatency: { observe: (v) => void seen.push(v) }, now: () => now },
    );
    expect(await pipeline.start()).toBe('FINISHED');
    expect(seen).toEqual([1.5, 1.5]);
  });

  it('counts sink retries while the write is still being retried, not when the pipeline closes', async () => {
    let failures = 2;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sink: Sink = {
      async write() {
        if (failures-- > 0) throw new Error('sink unavailable');
        await gate;
      },
      async close() {},
    };
    const pipeline = Pipeline.create({ jobId: 'j', name: 'p', source: rows(1), stages: [], sink, maxInFlight: 8, sinkBatch: { maxRows: 16, lingerMs: 0 } }, silentLogger());
    const done = pipeline.start();
    const deadline = Date.now() + 5_000;
    while (pipeline.stats.sinkRetries < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(pipeline.stats.sinkRetries).toBe(2);
    expect(pipeline.state).toBe('RUNNING');
    release();
    expect(await done).toBe('FINISHED');
    expect(pipeline.stats).toMatchObject({ rowsOut: 1, sinkRetries: 2 });
  });
});
