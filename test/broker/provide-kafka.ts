import { dockerEngineAnswers, startDockerKafka } from './docker-kafka-broker.js';
import { hasCommand, javaMajorVersion, resolveKafkaJars } from './kafka-jars.js';
import { startLocalKafka, type RunningBroker } from './local-kafka-broker.js';

/**
 * A real Apache Kafka broker for the tests, in this order: KAFKA_BROKERS when set; a
 * container when a Docker engine answers; else a local broker from Maven Central jars
 * (Java 17+ and Maven). Fails with one sentence naming what to install.
 */
export async function provideKafka(log: (msg: string) => void): Promise<RunningBroker> {
  const given = process.env.KAFKA_BROKERS;
  if (given) {
    log(`using the Kafka broker at ${given} (KAFKA_BROKERS)`);
    return { brokers: given, logFile: '(external broker)', stop: async () => {} };
  }
  if (await dockerEngineAnswers()) {
    log('starting Apache Kafka in Docker (testcontainers)');
    return startDockerKafka();
  }
  const java = await javaMajorVersion();
  if (java !== undefined && java >= 17 && (await hasCommand('mvn', ['-v']))) {
    const lib = await resolveKafkaJars(log);
    const broker = await startLocalKafka(lib);
    log(`started a local Apache Kafka broker at ${broker.brokers} (log: ${broker.logFile})`);
    return broker;
  }
  throw new Error(
    'The tests need a Kafka broker: set KAFKA_BROKERS, start a Docker engine, or install Java 17+ and Maven ' +
      `(found ${java === undefined ? 'no java' : `java ${java}`}).`,
  );
}
