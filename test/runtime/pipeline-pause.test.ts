import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { PauseGate } from '../../src/runtime/pause-gate.js';
import { FlowWindow } from '../../src/runtime/flow-window.js';
import { RateMeter } from '../../src/runtime/rate-meter.js';
import type { ModelFunction, PredictOutcome } from '../../src/spi/model-provider.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Source, SourceContext } from '../../src/spi/source.js';
import type { Row, Value } from '../../src/types/data-type.js';
import { silentLogger } from '../support/silent-logger.js';

/** Ids 0..n-1, respecting the flow control; records what was pushed, acked and nacked. */
function idSource(n: number) {
  const src = {
    pushed: 0,
    acked: [] as number[],
    nacked: [] as number[],
    async run(ctx: SourceContext) {
      for (let i = 0; i < n; i++) {
        if (ctx.flow.full) await ctx.flow.drained(ctx.signal);
        if (ctx.signal.aborted) return;
        src.pushed++;
        ctx.push({ row: [i, `t${i}`], ack: () => src.acked.push(i), nack: () => src.nacked.push(i) });
      }
    },
    async close() {},
  } satisfies Source & Record<string, unknown>;
  return src;
}

/** A model whose calls stay open until the test answers them. */
function heldModel() {
  const open: Array<{ input: Value; answer: () => void }> = [];
  const m = {
    calls: 0,
    open,
    predict(inputs: readonly Value[]): Promise<PredictOutcome> {
      m.calls++;
      return new Promise((resolve) => open.push({ input: inputs[0]!, answer: () => resolve({ ok: true, rows: [[`label:${String(inputs[0])}`]] }) }));
    },
    answerAll() {
      for (const c of open.splice(0)) c.answer();
    },
    async close() {},
  } satisfies ModelFunction & Record<string, unknown>;
  return m;
}

function memorySink() {
  const sink = { rows: [] as Row[], async write(rows: readonly Row[]) { sink.rows.push(...rows); }, async close() {} } satisfies Sink & Record<string, unknown>;
  return sink;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function build(source: Source, model: ModelFunction, sink: Sink, opts: { paused?: boolean } = {}) {
  return Pipeline.create(
    {
      jobId: 'j',
      name: 'test',
      source,
      stages: [{ kind: 'predict', description: 'ML_PREDICT(m)', modelName: 'm', model, inputs: (row) => [row[1] ?? null], combine: (row, out) => [...row, ...out], maxConcurrent: 4, ordered: true, timeoutMs: 5_000 }],
      sink,
      maxInFlight: 8,
      sinkBatch: { maxRows: 16, lingerMs: 1 },
    },
    silentLogger(),
    opts,
  );
}

describe('Pipeline pause', () => {
  it('stops reading and model calls at once; calls under way finish and are written; resume loses and repeats nothing', async () => {
    const src = idSource(40);
    const m = heldModel();
    const sink = memorySink();
    const p = build(src, m, sink);
    const done = p.start();
    while (m.open.length < 4) await tick();
    p.pause();
    expect(p.paused).toBe(true);
    // The 4 calls under way finish and their rows reach the sink; no new call starts.
    m.answerAll();
    for (let i = 0; i < 10; i++) await tick();
    expect(m.calls).toBe(4);
    expect(sink.rows.map((r) => r[0])).toEqual([0, 1, 2, 3]);
    expect([...src.acked].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    // The source stopped at the window: what it read waits, nothing more is read while paused.
    const pushedWhilePaused = src.pushed;
    expect(pushedWhilePaused).toBeLessThanOrEqual(8);
    for (let i = 0; i < 10; i++) await tick();
    expect(src.pushed).toBe(pushedWhilePaused);

    p.resume();
    while (!(sink.rows.length === 40)) {
      m.answerAll();
      await tick();
    }
    expect(await done).toBe('FINISHED');
    expect(sink.rows.map((r) => r[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(m.calls).toBe(40);
    expect(src.nacked).toEqual([]);
  });

  it('starts paused when told to (a restart keeps the target state)', async () => {
    const src = idSource(10);
    const m = heldModel();
    const p = build(src, m, memorySink(), { paused: true });
    void p.start();
    for (let i = 0; i < 10; i++) await tick();
    expect(m.calls).toBe(0);
    expect(src.pushed).toBe(0);
    p.resume();
    while (m.calls === 0) await tick();
    await p.stop(0);
  });

  it('a stop while paused leaves the held rows unacked (read again on the next start) and does not wait for the deadline', async () => {
    const src = idSource(40);
    const m = heldModel();
    const sink = memorySink();
    const p = build(src, m, sink);
    void p.start();
    while (m.open.length < 4) await tick();
    p.pause();
    m.answerAll();
    const started = Date.now();
    expect(await p.stop(10_000)).toBe('STOPPED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(m.calls).toBe(4);
    expect([...src.acked].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(src.nacked).toEqual([]);
  });
});

describe('PauseGate', () => {
  it('reports the window full while paused and drained only once resumed and below the low-water mark', async () => {
    const window = new FlowWindow(4);
    const gate = new PauseGate();
    const flow = gate.flowControl(window);
    expect(flow.full).toBe(false);
    gate.pause();
    expect(flow.full).toBe(true);
    let drained = false;
    void flow.drained(new AbortController().signal).then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    gate.resume();
    await tick();
    expect(drained).toBe(true);
  });

  it('rejects rows held at the gate when released', async () => {
    const gate = new PauseGate(true);
    const held = gate.pass(new AbortController().signal);
    gate.release();
    await expect(held).rejects.toThrow('stopped while paused');
  });
});

describe('RateMeter', () => {
  it('gives the per-second growth over its window, and starts over when the counter goes back', () => {
    const meter = new RateMeter(10_000);
    expect(meter.rate()).toBe(0);
    for (let s = 0; s <= 20; s++) meter.sample(s * 1000, s < 10 ? s * 100 : 1000 + (s - 10) * 50);
    // The last 10 s grew by 500.
    expect(meter.rate()).toBe(50);
    meter.sample(21_000, 3);
    expect(meter.rate()).toBe(0);
    meter.sample(23_000, 13);
    expect(meter.rate()).toBe(5);
  });
});
