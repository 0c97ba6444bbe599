import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { resolvePlanRefs } from '../../src/daemon/resolve-plan-refs.js';
import { modelSpecFor } from '../../src/providers/index.js';

const seed = readFileSync('test/fixtures/sql/valid/seed-000-bailian-embedding-milvus.sql', 'utf8');
const ctx = { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };
const dir = mkdtempSync(join(tmpdir(), 'predictd-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kafkaJob = (options: string) => `
CREATE TABLE src (t STRING) WITH ('connector' = 'kafka', 'topic' = 'in', 'properties.bootstrap.servers' = '\${BOOTSTRAP}', 'format' = 'json', ${options});
CREATE TABLE dst (t STRING) WITH ('connector' = 'print');
INSERT INTO dst SELECT t FROM src;
`;

describe('${NAME} and ${file:PATH} in WITH values', () => {
  it('reports every reference that cannot be read at its value, naming the variable or path and never a value', () => {
    const source = seed.replace("'api-key' = 'sk-test'", "'api-key' = '${DASHSCOPE_KEY}'").replace("'password' = 'milvus-test'", "'password' = '${file:/nonexistent/milvus-password}'");
    const plan = compileJob('seed.sql', source, ctx);
    const found = resolvePlanRefs(plan, ctx, { env: { DASHSCOPE_KEY: 'sk-1' } });
    expect(found.diagnostics.map((d) => [d.code, d.message, d.span.line])).toEqual([
      ['PD4202', "option 'password' names the file /nonexistent/milvus-password, which cannot be read (ENOENT)", source.split('\n').findIndex((l) => l.includes('milvus-password')) + 1],
    ]);
    const d = found.diagnostics[0]!;
    expect(source.split('\n')[d.span.line - 1]!.slice(d.span.col - 1)).toMatch(/^'\$\{file:\/nonexistent\/milvus-password\}'/);
    expect(found.pipelines).toEqual([]);

    const unset = resolvePlanRefs(plan, ctx, { env: {}, readFile: () => 'pw' }).diagnostics;
    expect(unset.map((x) => x.message)).toEqual(["option 'api-key' names the environment variable DASHSCOPE_KEY, which is not set"]);
  });

  it('hands connectors and providers resolved options: file content without its trailing newline, Kafka properties included', () => {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
    const jaas = join(dir, 'jaas');
    writeFileSync(jaas, 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-pass";\n');
    const plan = compileJob(
      'k.sql',
      kafkaJob(`'properties.security.protocol' = 'SASL_SSL', 'properties.sasl.jaas.config' = '\${file:${jaas}}', 'properties.ssl.keystore.key' = '\${file:${keyFile}}', 'properties.request.timeout.ms' = '\${TIMEOUT_MS}'`),
      ctx,
    );
    const resolved = resolvePlanRefs(plan, ctx, { env: { BOOTSTRAP: 'broker-1:9092', TIMEOUT_MS: '4500' } });
    expect(resolved.diagnostics).toEqual([]);
    const source = resolved.pipelines[0]!.source;
    if (source.kind !== 'table') throw new Error('a table source');
    const o = source.table.definition.options;
    expect(o.get('properties.bootstrap.servers')).toBe('broker-1:9092');
    expect(o.get('properties.sasl.jaas.config')).toBe('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-pass";');
    expect(o.get('properties.ssl.keystore.key')).toBe('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----');
    // A typed option holding a reference is parsed once resolved.
    expect(o.get('properties.request.timeout.ms')).toBe(4500);
    // The catalog's entry is untouched: a restart resolves again and sees a rotated file.
    expect(plan.pipelines[0]!.source.kind === 'table' && plan.pipelines[0]!.source.table.definition.options.get('properties.sasl.jaas.config')).toBe(`\${file:${jaas}}`);
    // Secret options' values and every file's content go to the log scrubber; a plain host does not.
    expect(resolved.secrets).toContain('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----');
    expect(resolved.secrets).toContain('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-pass";');
    expect(resolved.secrets).not.toContain('broker-1:9092');

    writeFileSync(jaas, 'rotated');
    const again = resolvePlanRefs(plan, ctx, { env: { BOOTSTRAP: 'b:9092', TIMEOUT_MS: '1' } }).pipelines[0]!.source;
    expect(again.kind === 'table' && again.table.definition.options.get('properties.sasl.jaas.config')).toBe('rotated');
  });

  it('reports a resolved value its option refuses with the reference, not the value', () => {
    const plan = compileJob('k.sql', kafkaJob(`'properties.request.timeout.ms' = '\${TIMEOUT_MS}'`), ctx);
    const found = resolvePlanRefs(plan, ctx, { env: { BOOTSTRAP: 'b:9092', TIMEOUT_MS: 'soon' } }).diagnostics;
    expect(found.map((d) => d.code)).toEqual(['PD2008']);
    expect(found[0]!.message).toContain("'${TIMEOUT_MS}'");
    expect(found[0]!.message).not.toContain('soon');
  });

  it('leaves text that is not a reference as written (there is no escape)', () => {
    const plan = compileJob('k.sql', kafkaJob(`'properties.client.id' = 'a-\${ not a ref }-$HOME'`), ctx);
    const source = resolvePlanRefs(plan, ctx, { env: { BOOTSTRAP: 'b:9092' } }).pipelines[0]!.source;
    expect(source.kind === 'table' && source.table.definition.options.get('properties.client.id')).toBe('a-${ not a ref }-$HOME');
  });
});

describe('daemon settings with references', () => {
  it('resolve by the same rule, and fail naming the setting and the variable, never a value', async () => {
    const { resolveSettingRefs } = await import('../../src/daemon/resolve-plan-refs.js');
    expect(resolveSettingRefs('redis://:${REDIS_PASSWORD}@redis:6379/0', 'limiter.redis.url', { env: { REDIS_PASSWORD: 'pw-123456' } })).toBe('redis://:pw-123456@redis:6379/0');
    expect(resolveSettingRefs('redis://:${file:/run/secrets/redis}@redis:6379/0', 'limiter.redis.url', { env: {}, readFile: () => 'from-file\n' })).toBe('redis://:from-file@redis:6379/0');
    expect(() => resolveSettingRefs('redis://:${REDIS_PASSWORD}@redis', 'limiter.redis.url', { env: {} })).toThrowError(
      expect.objectContaining({ code: 'PD4202', message: "option 'limiter.redis.url' names the environment variable REDIS_PASSWORD, which is not set" }),
    );
  });
});
