import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { testKafka } from '../../broker/kafka-test-helpers.js';
import { OpenAIEmulator, type OpenAIEmulatorOptions } from '../../emulators/openai-emulator.js';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';

export interface KafkaDaemonSuite {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly emulator: OpenAIEmulator;
  /** The suite's scratch folder (job folders and daemon logs), removed after the suite. */
  readonly dir: string;
  /** `predictd run` over `jobsDir`, logging to `<dir>/<logName>`; SIGKILLed after the suite if still running. */
  daemon(jobsDir: string, logName: string, env?: Record<string, string>): DaemonProcess;
  /** Sends `n` messages (`message(i)`) to `topic` in batches. */
  produce(topic: string, n: number, message: (i: number) => Message, batch?: number): Promise<void>;
}

/**
 * What the end-to-end tests of daemons over real Kafka share: an admin client, the OpenAI-wire
 * emulator, a scratch folder, and every daemon started, killed at the end. Call inside describe():
 * it registers the suite's beforeAll / afterAll; the fields are there once beforeAll ran.
 */
export function kafkaDaemonSuite(name: string, emulatorOptions: OpenAIEmulatorOptions): KafkaDaemonSuite {
  const kafka = testKafka();
  const running: DaemonProcess[] = [];
  let admin: Admin | undefined;
  let emulator: OpenAIEmulator | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    emulator = await OpenAIEmulator.start(emulatorOptions);
    dir = await mkdtemp(join(tmpdir(), `predictd-${name}-`));
  });
  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    await emulator?.close();
    await admin?.disconnect();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is set up in beforeAll`);
    return value;
  };
  return {
    kafka,
    get admin() {
      return ready(admin, 'admin client');
    },
    get emulator() {
      return ready(emulator, 'emulator');
    },
    get dir() {
      return ready(dir, 'folder');
    },
    daemon(jobsDir, logName, env = {}) {
      const daemon = spawnDaemon(jobsDir, join(ready(dir, 'folder'), logName), env);
      running.push(daemon);
      return daemon;
    },
    async produce(topic, n, message, batch = 1000) {
      const producer = kafka.producer();
      await producer.connect();
      try {
        for (let start = 0; start < n; start += batch) {
          await producer.send({ topic, messages: Array.from({ length: Math.min(batch, n - start) }, (_, k) => message(start + k)) });
        }
      } finally {
        await producer.disconnect();
      }
    },
  };
}
