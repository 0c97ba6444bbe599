import type { Kafka } from 'kafkajs';

/** Every message of a topic from the beginning, read with a throw-away group until `until` holds. */
export async function readTopic(kafka: Kafka, topic: string, until: (values: Array<{ partition: number; value: string; key: string | null }>) => boolean, timeoutMs = 60_000) {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  const got: Array<{ partition: number; value: string; key: string | null }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: ${got.length} messages so far`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            got.push({ partition, value: message.value?.toString() ?? '', key: message.key?.toString() ?? null });
            if (until(got)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}
