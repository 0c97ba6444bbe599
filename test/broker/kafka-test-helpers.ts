import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { inject } from 'vitest';

/** The broker the global setup provided; throws a clear error when a run skipped it. */
export function testBrokers(): string {
  const brokers = inject('kafkaBrokers');
  if (!brokers) throw new Error('this test needs Kafka: run without PREDICTD_TEST_KAFKA=off');
  return brokers;
}

export function testKafka(clientId = 'predictd-test'): Kafka {
  return new Kafka({ clientId, brokers: [testBrokers()], logLevel: logLevel.NOTHING });
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTopic(admin: Admin, topic: string, numPartitions = 1): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
}
