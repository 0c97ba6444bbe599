import { describe, expect, it, vi } from 'vitest';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { ExecutablePipeline, PredictStage } from '../../src/runtime/executable-pipeline.js';
import type { ModelFunction, PredictOutcome } from '../../src/spi/model-provider.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Source, SourceContext } from '../../src/spi/source.js';
import type { Row, Value } from '../../src/types/data-type.js';
import { silentLogger } from '../support/silent-logger.js';

interface Acks {
  acked: number[];
  nacked: number[];
}

/** A bounded source of ids 0..n-1 that records acks and the largest in-flight count it saw. */
function idSource(n: number, acks: Acks, opts: { respectFlow?: boolean } = {}): Source & { maxPending: number } {
  let pending = 0;
  const src = {
    maxPending: 0,
    async run(ctx: SourceContext) {
      for (let i = 0; i < n; i++) {
        if (opts.respectFlow !== false && ctx.flow.full) await ctx.flow.drained(ctx.signal);
        if (ctx.signal.aborted) return;
        pending++;
        src.maxPending = Math.max(src.maxPending, pending);
        ctx.push({
          row: [i, i % 5 === 0 ? null : `text ${i}`],
          ack: () => { pending--; acks.acked.push(i); },
          nack: () => { pending--; acks.nacked.push(i); },
        });
      }
    },
    async close() {},
  };
  return src;
}

function memorySink(opts: { failFirst?: number } = {}): Sink & { rows: Row[]; writes: number } {
  let failures = opts.failFirst ?? 0;
  const sink = {
    rows: [] as Row[],
    writes: 0,
    async write(rows: readonly Row[]) {
      sink.writes++;
      if (failures-- > 0) throw new Error('sink unavailable');
      sink.rows.push(...rows);
    },
    async close() {},
  };
  return sink;
}

function model(fn: (input: Value, callNo: number) => Promise<PredictOutcome>): ModelFunction & { calls: number; maxActive: number } {
  let active = 0;
  const m = {
    calls: 0,
    maxActive: 0,
    async predict(inputs: readonly Value[]) {
      const n = m.calls++;
      active++;
      m.maxActive = Math.max(m.maxActive, active);
      try {
        return await fn(inputs[0]!, n);
      } finally {
        active--;
      }
    },
    async close() {},
  };
  return m;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function predictStage(m: ModelFunction, over: Partial<PredictStage> = {}): PredictStage {
  return {
    kind: 'predict',
    description: 'ML_PREDICT(m)',
    modelName: 'm',
    model: m,
    inputs: (row) => [row[1] ?? null],
    combine: (row, out) => [...row, ...out],
    maxConcurrent: 4,
    ordered: true,
    timeoutMs: 5_000,
    ...over,
  };
}

function pipeline(source: Source, stages: ExecutablePipeline['stages'], sink: Sink, maxInFlight = 8): Pipeline {
  return Pipeline.create({ jobId: 'j', name: 'test', source, stages, sink, maxInFlight, sinkBatch: { maxRows: 16, lingerMs: 1 } }, silentLogger());
}

describe('Pipeline', () => {
  it('writes every prediction in input order and acks each record after its row is written', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink();
    // Later rows answer sooner: ORDERED output must still be in input order.
    const m = model(async (input, n) => { await delay(20 - (n % 10) * 2); return { ok: true, rows: [[`label:${String(input)}`]] }; });
    const state = await pipeline(idSource(60, acks), [predictStage(m)], sink).start();
    expect(state).toBe('FINISHED');
    const ids = sink.rows.map((r) => r[0]);
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 5 !== 0);
    expect(ids).toEqual(expected);
    expect(sink.rows[0]).toEqual([1, 'text 1', 'label:text 1']);
    expect(acks.acked.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(m.maxActive).toBeLessThanOrEqual(4);
    expect(m.calls).toBe(48); // NULL inputs never reach the model
  });

  it('ALLOW_UNORDERED emits as results arrive', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink();
    const m = model(async (input, n) => { await delay(n === 0 ? 80 : 5); return { ok: true, rows: [[String(input)]] }; });
    await pipeline(idSource(6, acks), [predictStage(m, { ordered: false })], sink).start();
    expect(sink.rows.map((r) => r[0])).not.toEqual([1, 2, 3, 4]);
    expect(new Set(sink.rows.map((r) => r[0]))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('keeps the in-flight window bounded and gives n rows for n choices', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink();
    const src = idSource(100, acks);
    const m = model(async () => { await delay(2); return { ok: true, rows: [['a'], ['b']] }; });
    await pipeline(src, [predictStage(m)], sink, 6).start();
    expect(src.maxPending).toBeLessThanOrEqual(6);
    expect(sink.rows.length).toBe(80 * 2);
  });

  it('retries a failing sink and acks only after the write succeeded', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink({ failFirst: 2 });
    const m = model(async () => ({ ok: true, rows: [['x']] }));
    const p = pipeline(idSource(4, acks), [predictStage(m)], sink);
    await p.start();
    expect(sink.writes).toBeGreaterThanOrEqual(3);
    expect(p.stats.sinkRetries).toBe(2);
    expect(sink.rows.length).toBe(3);
    expect(acks.acked.length).toBe(4);
  });

  it('drops rows the error strategy ignores and fails the job on FAILOVER without acking the failed record', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink();
    const m = model(async (input) => {
      if (input === 'text 3') return { ok: false, action: 'ignore', error: new Error('bad') };
      if (input === 'text 7') return { ok: false, action: 'fail', error: new Error('model exploded') };
      return { ok: true, rows: [['ok']] };
    });
    const p = pipeline(idSource(20, acks), [predictStage(m, { maxConcurrent: 1 })], sink, 1);
    const state = await p.start();
    expect(state).toBe('FAILED');
    expect(p.failure?.message).toContain('model exploded');
    expect(acks.nacked).toEqual([7]);
    expect(acks.acked).not.toContain(7);
    expect(sink.rows.map((r) => r[0])).toEqual([1, 2, 4, 6]);
    expect(p.stats.predictionsDropped).toBe(1);
  });

  it('hands the per-row timeout to the model, and a hard stop ends a model that never answers', async () => {
    const seen: (number | undefined)[] = [];
    const hung: ModelFunction = {
      predict: (_inputs, opts) => {
        seen.push(opts.timeoutMs);
        return new Promise(() => {});
      },
      close: async () => {},
    };
    const acks: Acks = { acked: [], nacked: [] };
    const p = pipeline(idSource(2, acks), [predictStage(hung, { timeoutMs: 30 })], memorySink());
    void p.start();
    await vi.waitFor(() => expect(seen[0]).toBe(30));
    expect(p.state).toBe('RUNNING');
    expect(await p.stop(20)).toBe('STOPPED');
    // Record 0 has a NULL input (no call); record 1 was abandoned unacked, to be read again.
    expect(acks.acked).toEqual([0]);
    expect(acks.nacked).toEqual([]);
  });

  it('stop() stops reading, drains in-flight records and acks them', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink();
    const m = model(async (input) => { await delay(10); return { ok: true, rows: [[input]] }; });
    const p = pipeline(idSource(1_000_000, acks), [predictStage(m)], sink);
    const done = p.start();
    await delay(100);
    const state = await p.stop(5_000);
    expect(state).toBe('STOPPED');
    expect(await done).toBe('STOPPED');
    expect(p.inFlight).toBe(0);
    expect(acks.acked.length).toBe(p.stats.recordsIn);
    expect(acks.acked.length).toBeLessThan(1_000_000);
  });
});

describe('Pipeline and a permanently failing sink', () => {
  it('fails the job and nacks the records instead of retrying forever', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    let writes = 0;
    const sink: Sink = {
      async write() {
        writes++;
        throw Object.assign(new Error('row cannot be encoded'), { permanent: true });
      },
      async close() {},
    };
    const m = model(async () => ({ ok: true, rows: [['x']] }));
    const p = pipeline(idSource(3, acks), [predictStage(m, { maxConcurrent: 1 })], sink, 1);
    expect(await p.start()).toBe('FAILED');
    expect(writes).toBe(1);
    expect(acks.nacked.length).toBeGreaterThan(0);
    expect(p.failure?.message).toContain('cannot be encoded');
  });
});

describe('Pipeline, ORDERED, when the head of the queue fails', () => {
  it('does not hold back the finished records behind it, so the failure completes promptly', async () => {
    const acks: Acks = { acked: [], nacked: [] };
    const sink = memorySink();
    const m = model(async (input) => {
      if (input === 'text 1') {
        await delay(50);
        return { ok: false, action: 'fail', error: new Error('boom') };
      }
      return { ok: true, rows: [['ok']] };
    });
    const started = Date.now();
    const p = pipeline(idSource(5, acks), [predictStage(m, { maxConcurrent: 4 })], sink, 8);
    expect(await p.start()).toBe('FAILED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(acks.nacked).toEqual([1]);
    expect(p.inFlight).toBe(0);
  });
});
