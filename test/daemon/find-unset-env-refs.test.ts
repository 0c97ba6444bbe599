import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { findUnsetEnvRefs } from '../../src/daemon/find-unset-env-refs.js';
import { modelSpecFor } from '../../src/providers/index.js';

const seed = readFileSync('test/fixtures/sql/valid/seed-000-bailian-embedding-milvus.sql', 'utf8');
const ctx = { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };

describe('the unset ${VAR} pre-flight', () => {
  it('covers the credentials of the tables a job reads and writes, not only its models, each at its value', () => {
    const source = seed.replace("'api-key' = 'sk-test'", "'api-key' = '${DASHSCOPE_KEY}'").replace("'password' = 'milvus-test'", "'password' = '${MILVUS_PASSWORD}'");
    const plan = compileJob('seed.sql', source, ctx);
    const found = findUnsetEnvRefs(plan, { DASHSCOPE_KEY: 'sk-1' });
    expect(found.map((d) => [d.code, d.message, d.span.line])).toEqual([
      ['PD4202', "option 'password' names the environment variable MILVUS_PASSWORD, which is not set", source.split('\n').findIndex((l) => l.includes('MILVUS_PASSWORD')) + 1],
    ]);
    expect(source.split('\n')[found[0]!.span.line - 1]!.slice(found[0]!.span.col - 1)).toMatch(/^'\$\{MILVUS_PASSWORD\}'/);
    expect(findUnsetEnvRefs(plan, { DASHSCOPE_KEY: 'sk-1', MILVUS_PASSWORD: 'p' })).toEqual([]);
  });
});
