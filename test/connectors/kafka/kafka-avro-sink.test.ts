import { describe, expect, it } from 'vitest';
import { kafkaConnector } from '../../../connectors/kafka/kafka-connector.js';
import { KafkaConnectorError } from '../../../connectors/kafka/kafka-connector-error.js';
import { isPermanentFailure } from '../../../src/spi/sink.js';
import { freePort } from '../../broker/local-kafka-broker.js';
import { connectorContext, kafkaTable, T } from './kafka-test-support.js';

/**
 * A sink whose format needs a registry that is down fails only the write, as retryable (the
 * runtime's sink writer retries it); a row that does not fit fails for good. Both are decided
 * before any broker is asked.
 */
describe('kafka sink with avro-confluent', () => {
  async function sinkWithRegistryDown() {
    const url = `http://127.0.0.1:${await freePort()}`;
    const table = kafkaTable([{ name: 'id', type: { kind: 'BIGINT', nullable: false } }, { name: 'v', type: T.str }], {
      topic: 'out',
      'properties.bootstrap.servers': '127.0.0.1:1',
      format: 'avro-confluent',
      'avro-confluent.url': url,
    });
    return kafkaConnector.createSink!(table, connectorContext());
  }

  it('a registry that does not answer fails the write with PD4310, which is not permanent', async () => {
    const sink = await sinkWithRegistryDown();
    const err = await sink.write([[1, 'a']], { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaConnectorError);
    expect((err as KafkaConnectorError).code).toBe('PD4310');
    expect((err as Error).message).toMatch(/the write is retried/);
    expect(isPermanentFailure(err)).toBe(false);
    await sink.close();
  });

  it('a row that does not fit the schema fails with PD4306, permanent, without asking the registry', async () => {
    const sink = await sinkWithRegistryDown();
    const err = await sink.write([[null, 'a']], { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect((err as KafkaConnectorError).code).toBe('PD4306');
    expect((err as Error).message).toMatch(/row 1 of 1: field 'id': NULL in a NOT NULL column/);
    expect(isPermanentFailure(err)).toBe(true);
    await sink.close();
  });
});
