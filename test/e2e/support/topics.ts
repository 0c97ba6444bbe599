import type { Kafka } from 'kafkajs';

/** One message as the tests read it: the value's bytes untouched, headers as text (first value of each). */
export interface ReadMessage {
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** Every message of some topics from the beginning, read with a throw-away group until `until` holds. */
export async function readTopics(kafka: Kafka, topics: readonly string[], until: (got: Map<string, ReadMessage[]>) => boolean, timeoutMs = 60_000): Promise<Map<string, ReadMessage[]>> {
  const consumer = kafka.consumer({ groupId: `reader-${topics[0]}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  const got = new Map<string, ReadMessage[]>(topics.map((t) => [t, []]));
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topics.join(', ')}: ${topics.map((t) => got.get(t)!.length).join(', ')} messages so far`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(Array.isArray(v) ? v[0] : v);
            got.get(topic)!.push({ partition, key: message.key?.toString() ?? null, value: message.value ?? Buffer.alloc(0), headers });
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

/** Every message of one topic from the beginning, values as text, until `until` holds. */
export async function readTopic(kafka: Kafka, topic: string, until: (values: Array<{ partition: number; value: string; key: string | null }>) => boolean, timeoutMs = 60_000) {
  const asText = (got: Map<string, ReadMessage[]>) => got.get(topic)!.map((m) => ({ partition: m.partition, value: m.value.toString(), key: m.key }));
  return asText(await readTopics(kafka, [topic], (got) => until(asText(got)), timeoutMs));
}
