import { expect } from 'vitest';
import { register } from '../../../connectors/kafka/kafka-connector.js';
import { KAFKA_SPEC } from '../../../connectors/kafka/kafka-spec.js';
import type { KafkaSource } from '../../../connectors/kafka/kafka-source.js';
import { registerFormats } from '../../../src/formats/register-formats.js';
import { FlowWindow } from '../../../src/runtime/flow-window.js';
import type { ConnectorContext, TableColumn, TableDefinition } from '../../../src/spi/connector.js';
import type { Logger } from '../../../src/spi/logger.js';
import { Registry } from '../../../src/spi/registry.js';
import { resolveOptions } from '../../../src/spi/resolve-options.js';
import type { SourceRecord, UndecodableRecord } from '../../../src/spi/source.js';
import type { DataType, Row } from '../../../src/types/data-type.js';
import { silentLogger } from '../../support/silent-logger.js';

export const T = {
  str: { kind: 'STRING', nullable: true },
  int: { kind: 'INT', nullable: true },
  big: { kind: 'BIGINT', nullable: true },
  bytes: { kind: 'BYTES', nullable: true },
  ltz: { kind: 'TIMESTAMP_LTZ', precision: 3, nullable: true },
  headers: { kind: 'MAP', key: { kind: 'STRING', nullable: false }, value: { kind: 'BYTES', nullable: true }, nullable: true },
} satisfies Record<string, DataType>;

export function testRegistry(): Registry {
  const registry = new Registry();
  registerFormats(registry);
  register(registry);
  return registry;
}

export function kafkaTable(columns: TableColumn[], options: Record<string, string>, primaryKey: string[] = []): TableDefinition {
  const { options: resolved, problems } = resolveOptions(KAFKA_SPEC, { connector: 'kafka', ...options });
  expect(problems).toEqual([]);
  return { name: 'kafka_table', connector: 'kafka', columns, primaryKey, options: resolved };
}

export function connectorContext(log: Logger = silentLogger(), jobId = 'test-job'): ConnectorContext {
  return { jobId, log, env: {}, registry: testRegistry() };
}

export interface PushedRecord {
  readonly row: Row;
  readonly record: SourceRecord;
  settled: boolean;
}

/**
 * Plays the runtime for one source: a real FlowWindow, a record list, ack/nack helpers that
 * settle the window, and the runtime's stop order (abort, wait, close).
 */
export class SourceHarness {
  readonly window: FlowWindow;
  readonly abort = new AbortController();
  readonly records: PushedRecord[] = [];
  readonly undecodable: Array<{ record: UndecodableRecord; error: Error }> = [];
  readonly log: Array<{ level: string; args: unknown[] }>;
  readonly run: Promise<void>;
  #waiters: Array<() => void> = [];

  constructor(readonly source: KafkaSource, capacity = 100_000, log: Array<{ level: string; args: unknown[] }> = []) {
    this.window = new FlowWindow(capacity);
    this.log = log;
    this.run = source.run({
      signal: this.abort.signal,
      flow: this.window,
      log: silentLogger(log),
      push: (record) => {
        this.window.admit();
        this.records.push({ row: record.row, record, settled: false });
        for (const w of this.#waiters.splice(0)) w();
      },
      pushUndecodable: (record, error) => {
        this.window.admit();
        this.undecodable.push({ record, error });
        for (const w of this.#waiters.splice(0)) w();
      },
    });
    this.run.catch(() => {});
  }

  ack(r: PushedRecord): void {
    if (r.settled) return;
    r.settled = true;
    r.record.ack();
    this.window.settle();
  }

  nack(r: PushedRecord, err = new Error('failed for good')): void {
    if (r.settled) return;
    r.settled = true;
    r.record.nack(err);
    this.window.settle();
  }

  ackAll(pred: (r: PushedRecord) => boolean = () => true): void {
    for (const r of this.records) if (!r.settled && pred(r)) this.ack(r);
  }

  async waitFor(n: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} records, got ${this.records.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The runtime's stop: abort reading, settle nothing more, close (final commit, disconnect). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.run.catch(() => {});
    await this.source.close();
  }
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
