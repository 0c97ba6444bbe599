import { describe, expect, it } from 'vitest';
import { RowError } from '../../src/expr/row-error.js';
import type { ExecutablePipeline, PredictStage, TransformStage } from '../../src/runtime/executable-pipeline.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { ModelCallError, type ModelFunction, type PredictOutcome } from '../../src/spi/model-provider.js';
import type { Sink } from '../../src/spi/sink.js';
import type { ErrorTolerance, RowFailure, Source, SourceContext } from '../../src/spi/source.js';
import type { Row, Value } from '../../src/types/data-type.js';
import { silentLogger } from '../support/silent-logger.js';

/**
 * Ids 0..n-1 as rows [id, 'text <id>']. Ids in `undecodable` are handed over as undecodable
 * records. With a `deadLetter` function every record has a dead-letter queue.
 */
interface Script {
  readonly n: number;
  readonly tolerance?: ErrorTolerance;
  readonly undecodable?: readonly number[];
  readonly deadLetter?: (id: number, failure: RowFailure) => Promise<void>;
}

interface Outcome {
  acked: number[];
  nacked: number[];
  dead: Array<{ id: number; stage: string; model?: string; httpStatus?: number; message: string }>;
}

function scriptedSource(script: Script, out: Outcome): Source {
  return {
    ...(script.tolerance ? { errorTolerance: script.tolerance } : {}),
    async run(ctx: SourceContext) {
      for (let id = 0; id < script.n; id++) {
        if (ctx.flow.full) await ctx.flow.drained(ctx.signal);
        if (ctx.signal.aborted) return;
        const base = {
          ack: () => out.acked.push(id),
          nack: () => out.nacked.push(id),
          ...(script.deadLetter
            ? {
                deadLetter: async (f: RowFailure) => {
                  await script.deadLetter!(id, f);
                  out.dead.push({ id, stage: f.stage, message: f.error.message, ...(f.model ? { model: f.model } : {}), ...(f.httpStatus ? { httpStatus: f.httpStatus } : {}) });
                },
              }
            : {}),
        };
        if (script.undecodable?.includes(id)) ctx.pushUndecodable(base, new Error(`record ${id} is not JSON`));
        else ctx.push({ ...base, row: [id, `text ${id}`] });
      }
    },
    async close() {},
  };
}

/** Rejects for good any write that holds a row whose id is in `rejected`. */
function rejectingSink(rejected: readonly number[] = []): Sink & { rows: Row[]; writes: number[] } {
  const sink = {
    rows: [] as Row[],
    writes: [] as number[],
    async write(rows: readonly Row[]) {
      sink.writes.push(rows.length);
      const bad = rows.find((r) => rejected.includes(r[0] as number));
      if (bad) throw Object.assign(new Error(`row ${String(bad[0])} cannot be encoded`), { permanent: true });
      sink.rows.push(...rows);
    },
    async close() {},
  };
  return sink;
}

const castFails = (ids: readonly number[]): TransformStage => ({
  kind: 'transform',
  description: 'CAST',
  apply: (row) => {
    if (ids.includes(row[0] as number)) throw new RowError('PD4402', `cannot CAST 'text ${String(row[0])}' to INT`);
    return [row];
  },
});

function model(fn: (input: Value) => Promise<PredictOutcome> | PredictOutcome): ModelFunction {
  return { predict: async (inputs) => fn(inputs[0]!), close: async () => {} };
}

const answers = (ignored: readonly number[] = [], delays: (id: number) => number = () => 0) =>
  model(async (input) => {
    const id = Number(String(input).slice(5));
    await delay(delays(id));
    if (ignored.includes(id)) {
      const cause = new ModelCallError('fatal', 'HTTP 400: bad request', { status: 400 });
      return { ok: false, action: 'ignore', error: new Error(`model 'm': ${cause.message}`, { cause }) };
    }
    return { ok: true, rows: [[`label ${id}`]] };
  });

function predictStage(m: ModelFunction, ordered = true): PredictStage {
  return {
    kind: 'predict', description: 'ML_PREDICT(m)', modelName: 'm', model: m,
    inputs: (row) => [row[1] ?? null], combine: (row, o) => [...row, ...o],
    maxConcurrent: 4, ordered, timeoutMs: 5_000,
  };
}

function pipeline(source: Source, stages: ExecutablePipeline['stages'], sink: Sink, opts: { log?: ReturnType<typeof silentLogger>; maxRows?: number } = {}): Pipeline {
  return Pipeline.create(
    { jobId: 'j', name: 'out', source, stages, sink, maxInFlight: 8, sinkBatch: { maxRows: opts.maxRows ?? 16, lingerMs: 1 } },
    opts.log ?? silentLogger(),
  );
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const fresh = (): Outcome => ({ acked: [], nacked: [], dead: [] });

describe.each([true, false])('Pipeline routing of failed rows (ordered: %s)', (ordered) => {
  it('with errors.tolerance all, routes each stage to the dead-letter queue and acks every record', async () => {
    const out = fresh();
    const source = scriptedSource({ n: 12, tolerance: 'all', undecodable: [1], deadLetter: async () => {} }, out);
    const sink = rejectingSink([9]);
    const stages = [castFails([3]), predictStage(answers([5], (id) => (id % 3) * 3), ordered)];
    const p = pipeline(source, stages, sink);
    expect(await p.start()).toBe('FINISHED');
    const good = [0, 2, 4, 6, 7, 8, 10, 11];
    if (ordered) expect(sink.rows.map((r) => r[0])).toEqual(good);
    else expect(sink.rows.map((r) => r[0]).sort((a, b) => Number(a) - Number(b))).toEqual(good);
    expect(out.dead.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, stage: 'decode', message: 'record 1 is not JSON' },
      { id: 3, stage: 'transform', message: "cannot CAST 'text 3' to INT" },
      { id: 5, stage: 'predict', model: 'm', httpStatus: 400, message: "model 'm': HTTP 400: bad request" },
      { id: 9, stage: 'sink', message: 'row 9 cannot be encoded' },
    ]);
    expect(out.acked.sort((a, b) => a - b)).toEqual(ids(12));
    expect(out.nacked).toEqual([]);
    const { failures } = p.stats;
    expect(failures).toEqual({
      decode: { deadLettered: 1, dropped: 0 },
      transform: { deadLettered: 1, dropped: 0 },
      predict: { deadLettered: 1, dropped: 0 },
      sink: { deadLettered: 1, dropped: 0 },
    });
  });

  it('acks a routed record only after its dead-letter write succeeded, retrying a failed write', async () => {
    const out = fresh();
    let attempts = 0;
    const source = scriptedSource(
      {
        n: 4,
        tolerance: 'all',
        deadLetter: async (id) => {
          attempts++;
          // The record must still be unacked while its dead-letter write is failing.
          expect(out.acked).not.toContain(id);
          if (attempts <= 2) throw new Error('broker unavailable');
        },
      },
      out,
    );
    const p = pipeline(source, [castFails([2]), predictStage(answers(), ordered)], rejectingSink());
    expect(await p.start()).toBe('FINISHED');
    expect(attempts).toBe(3);
    expect(out.dead.map((d) => d.id)).toEqual([2]);
    expect(out.acked.sort()).toEqual([0, 1, 2, 3]);
    expect(p.stats.deadLetterRetries).toBe(2);
    expect(p.stats.failures.transform).toEqual({ deadLettered: 1, dropped: 0 });
  });

  it('fails the job when the dead-letter queue rejects a record for good, instead of holding it uncommitted for ever', async () => {
    const out = fresh();
    let attempts = 0;
    const source = scriptedSource(
      {
        n: 4,
        tolerance: 'all',
        deadLetter: async () => {
          attempts++;
          throw Object.assign(new Error('record too large'), { permanent: true });
        },
      },
      out,
    );
    const p = pipeline(source, [castFails([2]), predictStage(answers(), ordered)], rejectingSink());
    expect(await p.start()).toBe('FAILED');
    expect(attempts).toBe(1);
    expect(p.failure).toMatchObject({ code: 'PD4104' });
    expect(p.failure?.message).toContain('record too large');
    expect(out.acked).not.toContain(2);
    expect(out.nacked).toContain(2);
    expect(p.stats.failures.transform).toEqual({ deadLettered: 0, dropped: 0 });
  });

  it('without a dead-letter queue drops the routed record: acked, counted and logged', async () => {
    const out = fresh();
    const lines: Array<{ level: string; args: unknown[] }> = [];
    const p = pipeline(scriptedSource({ n: 6, tolerance: 'all', undecodable: [0] }, out), [castFails([4]), predictStage(answers([2]), ordered)], rejectingSink(), {
      log: silentLogger(lines),
    });
    expect(await p.start()).toBe('FINISHED');
    expect(out.acked.sort()).toEqual(ids(6));
    expect(p.stats.failures.decode.dropped).toBe(1);
    expect(p.stats.failures.transform.dropped).toBe(1);
    expect(p.stats.failures.predict.dropped).toBe(1);
    expect(p.stats.predictionsDropped).toBe(1);
    const warned = lines.filter((l) => l.level === 'warn').map((l) => l.args[0] as Record<string, unknown>);
    expect(warned.map((w) => [w['code'], w['jobId'], w['pipeline'], w['stage']]).sort()).toEqual([
      ['PD4102', 'j', 'out', 'decode'],
      ['PD4102', 'j', 'out', 'predict'],
      ['PD4102', 'j', 'out', 'transform'],
    ]);
    expect(warned.every((w) => typeof w['err'] === 'string' && w['err'] !== '')).toBe(true);
  });
});

describe('Pipeline with errors.tolerance none', () => {
  for (const [stage, build] of [
    ['decode', () => ({ script: { undecodable: [3] }, stages: [], rejected: [] })],
    ['transform', () => ({ script: {}, stages: [castFails([3])], rejected: [] })],
    ['sink', () => ({ script: {}, stages: [], rejected: [3] })],
  ] as const) {
    it(`fails the job at a ${stage} failure and never acks the failed record`, async () => {
      const out = fresh();
      const { script, stages, rejected } = build();
      const p = pipeline(scriptedSource({ n: 8, deadLetter: async () => {}, ...script }, out), stages, rejectingSink(rejected), { maxRows: 1 });
      expect(await p.start()).toBe('FAILED');
      expect(p.failure).toMatchObject({ code: 'PD4101', stage });
      expect(out.nacked).toContain(3);
      expect(out.acked).not.toContain(3);
      expect(out.dead).toEqual([]);
    });
  }

  it("still routes a row the model's IGNORE lets go: the strategy decides the predict stage", async () => {
    const out = fresh();
    const p = pipeline(scriptedSource({ n: 4, deadLetter: async () => {} }, out), [predictStage(answers([1]))], rejectingSink());
    expect(await p.start()).toBe('FINISHED');
    expect(out.dead.map((d) => [d.id, d.stage])).toEqual([[1, 'predict']]);
  });
});

describe('Pipeline routing, ORDERED', () => {
  it('a record waiting for its dead-letter write does not hold back the records behind it', async () => {
    const out = fresh();
    let release!: () => void;
    const dlqAcked = new Promise<void>((r) => (release = r));
    const sink = rejectingSink();
    const source = scriptedSource({ n: 5, tolerance: 'all', deadLetter: () => dlqAcked }, out);
    const p = pipeline(source, [castFails([0]), predictStage(answers())], sink);
    const done = p.start();
    while (sink.rows.length < 4) await delay(5);
    expect(sink.rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(out.acked).not.toContain(0);
    release();
    expect(await done).toBe('FINISHED');
    expect(out.acked.sort()).toEqual(ids(5));
  });
});

describe('Pipeline routing of sink rejections', () => {
  it('writes a rejected batch one record at a time and routes only the rejected ones', async () => {
    const out = fresh();
    const sink = rejectingSink([2, 5]);
    let release!: () => void;
    const allIn = new Promise<void>((r) => (release = r));
    // Every record reaches the sink before the first write: one batch of 8 is rejected, then split.
    const m = model(async (input) => {
      if (input === 'text 7') release();
      await allIn;
      return { ok: true, rows: [[String(input)]] };
    });
    const p = pipeline(scriptedSource({ n: 8, tolerance: 'all', deadLetter: async () => {} }, out), [{ ...predictStage(m), maxConcurrent: 8 }], sink);
    expect(await p.start()).toBe('FINISHED');
    expect(sink.rows.map((r) => r[0])).toEqual([0, 1, 3, 4, 6, 7]);
    expect(out.dead.map((d) => [d.id, d.stage])).toEqual([[2, 'sink'], [5, 'sink']]);
    expect(out.acked.sort()).toEqual(ids(8));
    expect(sink.writes[0]).toBe(8);
  });
});
