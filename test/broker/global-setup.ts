import type { TestProject } from 'vitest/node';
import { provideKafka } from './provide-kafka.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

/**
 * Runs once per `vitest run`: makes a real broker available to every suite through
 * `inject('kafkaBrokers')` (and KAFKA_BROKERS for child processes), and stops it after.
 * PREDICTD_TEST_KAFKA=off skips it for runs that need no broker.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.PREDICTD_TEST_KAFKA === 'off') {
    project.provide('kafkaBrokers', '');
    return undefined;
  }
  const broker = await provideKafka((msg) => process.stderr.write(`[kafka] ${msg}\n`));
  project.provide('kafkaBrokers', broker.brokers);
  process.env.KAFKA_BROKERS = broker.brokers;
  return async () => {
    await broker.stop();
  };
}
