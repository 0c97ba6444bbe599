import { describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { vectorSearchModel } from '../../src/daemon/vector-search-model.js';
import type { StagePlan } from '../../src/planner/pipeline-plan.js';
import { bindModel, LimiterRegistry, modelSpecFor } from '../../src/providers/index.js';
import type { ConnectorContext, ConnectorFactory } from '../../src/spi/connector.js';
import { Registry } from '../../src/spi/registry.js';
import type { Value } from '../../src/types/data-type.js';
import { silentLogger } from '../support/silent-logger.js';

/** A searchable connector whose searches answer from a script: an error to throw, or hits. */
function scriptedConnector(script: Array<Error | Value[][]>, calls: number[][]): ConnectorFactory {
  return {
    name: 'scripted',
    summary: 'test',
    spec: {
      options: [
        { key: 'connector', type: { kind: 'string' }, required: true, description: '' },
        { key: 'lookup.max-retries', type: { kind: 'int', min: 0 }, default: '2', description: '' },
      ],
    },
    createVectorSearcher: () => ({
      target: 'scripted',
      search: async (vector) => {
        calls.push([...vector]);
        const next = script.shift() ?? [];
        if (next instanceof Error) throw next;
        return next;
      },
      close: async () => {},
    }),
  };
}

function searchStage(connector: ConnectorFactory, fn = 'VECTOR_SEARCH'): Extract<StagePlan, { kind: 'search' }> {
  const registry: Registry = createDefaultRegistry().registerConnector(connector);
  const sql = `
CREATE TABLE docs (id STRING, body STRING, v ARRAY<FLOAT>) WITH ('connector' = 'scripted');
CREATE TEMPORARY VIEW q(qv) AS VALUES (ARRAY[CAST(1 AS FLOAT), CAST(0 AS FLOAT)]);
SELECT * FROM q, LATERAL TABLE(${fn}(TABLE docs, DESCRIPTOR(v), qv, 2));`;
  const plan = compileJob('job.sql', sql, { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: '' });
  return plan.pipelines[0]!.stages.find((s) => s.kind === 'search') as Extract<StagePlan, { kind: 'search' }>;
}

const ctx: ConnectorContext = { jobId: 'j', log: silentLogger(), env: {}, registry: new Registry() };
const signal = new AbortController().signal;

async function bound(stage: Extract<StagePlan, { kind: 'search' }>) {
  const entry = vectorSearchModel(stage, ctx);
  const limiters = new LimiterRegistry({ log: silentLogger() });
  // random 0: full-jitter backoff waits 0 ms, so retries run at once.
  const fn = bindModel(entry.provider, entry.definition, { limiters, log: silentLogger(), random: () => 0 });
  return { entry, fn, close: async () => (await fn.close(), await limiters.close()) };
}

describe('VECTOR_SEARCH bound as a model (the predict stage machinery)', () => {
  it('retries a failed search with backoff, then answers the hits as rows', async () => {
    const calls: number[][] = [];
    const hits = [['d1', 'one', [1, 0], 0.99], ['d2', 'two', [0, 1], 0.1]];
    const { entry, fn, close } = await bound(searchStage(scriptedConnector([new Error('unavailable'), new Error('reset'), hits], calls)));
    try {
      expect(entry.name).toBe('VECTOR_SEARCH(docs)');
      await expect(fn.predict([[1, 0]], { signal })).resolves.toEqual({ ok: true, rows: hits });
      expect(calls).toEqual([[1, 0], [1, 0], [1, 0]]);
      expect(fn.stats()).toMatchObject({ rows: 1, requests: 3, succeeded: 1, retries: 2, transientErrors: 2 });
    } finally {
      await close();
    }
  });

  it("fails the row after 'lookup.max-retries' retries (FAILOVER), and at once on a permanent error", async () => {
    const calls: number[][] = [];
    const { fn, close } = await bound(searchStage(scriptedConnector([new Error('a'), new Error('b'), new Error('c'), new Error('d')], calls)));
    try {
      const outcome = await fn.predict([[1, 0]], { signal });
      expect(outcome).toMatchObject({ ok: false, action: 'fail' });
      expect(calls).toHaveLength(3);
    } finally {
      await close();
    }
    const permanent = Object.assign(new Error('collection does not fit'), { permanent: true });
    const calls2: number[][] = [];
    const second = await bound(searchStage(scriptedConnector([permanent], calls2)));
    try {
      await expect(second.fn.predict([[1, 0]], { signal })).resolves.toMatchObject({ ok: false, action: 'fail' });
      expect(calls2).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('VECTOR_SEARCH_AGG answers one row: the hits without vector columns, score last', async () => {
    const hits = [['d1', 'one', [1, 0], 0.99], ['d2', 'two', [0, 1], 0.1]];
    const { fn, close } = await bound(searchStage(scriptedConnector([hits], []), 'VECTOR_SEARCH_AGG'));
    try {
      await expect(fn.predict([[1, 0]], { signal })).resolves.toEqual({ ok: true, rows: [[[['d1', 'one', 0.99], ['d2', 'two', 0.1]]]] });
    } finally {
      await close();
    }
  });

  it('the per-row timeout covers the retries', async () => {
    const calls: number[][] = [];
    const slow: ConnectorFactory = {
      ...scriptedConnector([], calls),
      createVectorSearcher: () => ({
        target: 'slow',
        search: (_v, { signal: s }) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason), { once: true })),
        close: async () => {},
      }),
    };
    const { fn, close } = await bound(searchStage(slow));
    try {
      const outcome = await fn.predict([[1, 0]], { signal, timeoutMs: 50 });
      expect(outcome).toMatchObject({ ok: false, action: 'fail' });
      expect(fn.stats().rowTimeouts).toBe(1);
    } finally {
      await close();
    }
  });
});
