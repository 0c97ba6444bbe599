// The reference for P2: a bare kafkajs consume -> produce loop, no decoding, no predictd.
// Usage: tsx bench/raw-kafka-loop.ts <brokers> <input topic> <output topic> <group>
import { Kafka, logLevel } from 'kafkajs';

const [brokers, input, output, group] = process.argv.slice(2);
if (!brokers || !input || !output || !group) throw new Error('usage: raw-kafka-loop <brokers> <input> <output> <group>');

const kafka = new Kafka({ clientId: 'raw-kafka-loop', brokers: [brokers], logLevel: logLevel.NOTHING });
// The same delivery promise as predictd's Kafka sink: acks from all replicas, idempotent.
const producer = kafka.producer({ idempotent: true });
const consumer = kafka.consumer({ groupId: group });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [input], fromBeginning: true });
await consumer.run({
  eachBatchAutoResolve: true,
  eachBatch: async ({ batch }) => {
    await producer.send({ topic: output, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) });
  },
});
console.log('raw loop running');
const stop = async () => {
  await consumer.disconnect();
  await producer.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
