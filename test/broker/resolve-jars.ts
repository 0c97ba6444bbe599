// Resolves the Kafka broker jars into the cache ahead of the test run (used by .ci/run).
import { resolveKafkaJars } from './kafka-jars.js';

const lib = await resolveKafkaJars((msg) => console.log(msg));
console.log(`Kafka jars ready in ${lib}`);
