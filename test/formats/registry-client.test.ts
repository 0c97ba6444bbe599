import { describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/formats/avro/registry-client.js';
import { freePort } from '../broker/local-kafka-broker.js';
import { FormatError, FormatUnavailableError } from '../../src/spi/format.js';

/**
 * How the registry's answers are sorted, against the real registry of the test run: what the
 * registry says no to is a row error (FormatError), a registry that cannot be asked is
 * FormatUnavailableError (the record waits).
 */
const url = inject('schemaRegistryUrl');
const signal = new AbortController().signal;
const schema = (fields: object[]) => ({ type: 'record', name: 'r', namespace: 'test', fields });

describe.skipIf(!url)('RegistryClient against a real registry', () => {
  const client = new RegistryClient({ url, requestTimeoutMs: 5_000 });
  const subject = `client-${Date.now()}-${Math.random().toString(36).slice(2)}-value`;

  it('registers a schema, answers the same id for the same schema, and fetches it by id', async () => {
    const s = schema([{ name: 'a', type: 'string' }]);
    const id = await client.register(subject, s, signal);
    expect(await client.register(subject, s, signal)).toBe(id);
    expect(await client.schemaById(id, signal)).toEqual(s);
  });

  it('refuses an incompatible schema under BACKWARD as FormatError PD4323, naming the subject', async () => {
    await client.register(subject, schema([{ name: 'a', type: 'string' }]), signal);
    const err = await client.register(subject, schema([{ name: 'a', type: 'string' }, { name: 'b', type: 'int' }]), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(new RegExp(`refused the schema under subject '${subject}' \\(PD4323\\)`));
  });

  it('reports an id it does not know as FormatError PD4322', async () => {
    const err = await client.schemaById(2_000_000_000, signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/no schema with id 2000000000 \(PD4322\)/);
  });

  it('reports a registry that does not answer as FormatUnavailableError PD4310', async () => {
    const down = new RegistryClient({ url: `http://127.0.0.1:${await freePort()}`, requestTimeoutMs: 2_000 });
    const err = await down.schemaById(1, signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatUnavailableError);
    expect((err as Error).message).toMatch(/unavailable \(PD4310\)/);
    await expect(down.register('s-value', schema([]), signal)).rejects.toBeInstanceOf(FormatUnavailableError);
  });

});
