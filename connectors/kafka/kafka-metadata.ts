import type { MetadataSpec } from '../../src/spi/connector.js';
import type { Value } from '../../src/types/data-type.js';

/** What a metadata column reads from one consumed record. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: string;
  readonly key: Uint8Array | null;
  readonly headers: Readonly<Record<string, Uint8Array | string | readonly (Uint8Array | string)[] | undefined>> | undefined;
  /** From the record batch header (kafkajs keeps it on `message.batchContext`). */
  readonly leaderEpoch: number | undefined;
  readonly timestampType: number | undefined;
}

/** Metadata columns of Kafka tables (`METADATA FROM '<key>'`), as Flink declares them plus 'key'. */
export const KAFKA_METADATA: readonly MetadataSpec[] = [
  { key: 'topic', type: { kind: 'STRING', nullable: false }, writable: false, description: 'Topic of the record.' },
  { key: 'partition', type: { kind: 'INT', nullable: false }, writable: false, description: 'Partition of the record.' },
  { key: 'offset', type: { kind: 'BIGINT', nullable: false }, writable: false, description: 'Offset of the record in its partition.' },
  {
    key: 'timestamp',
    type: { kind: 'TIMESTAMP_LTZ', precision: 3, nullable: false },
    writable: true,
    description: 'Record timestamp; a sink writes it as the record timestamp (NULL: the broker/producer time).',
  },
  {
    key: 'timestamp-type',
    type: { kind: 'STRING', nullable: false },
    writable: false,
    description: "'NoTimestampType', 'CreateTime' or 'LogAppendTime'.",
  },
  {
    key: 'headers',
    type: { kind: 'MAP', key: { kind: 'STRING', nullable: false }, value: { kind: 'BYTES', nullable: true }, nullable: false },
    writable: true,
    description: 'Record headers (the last value wins for a repeated header); a sink writes them.',
  },
  { key: 'key', type: { kind: 'BYTES', nullable: true }, writable: false, description: 'Raw bytes of the record key (predictd extension).' },
  { key: 'leader-epoch', type: { kind: 'INT', nullable: true }, writable: false, description: 'Leader epoch of the record, when the broker sent one.' },
];

const TIMESTAMP_TYPES: Readonly<Record<string, string>> = { '-1': 'NoTimestampType', '0': 'CreateTime', '1': 'LogAppendTime' };

/** A reader per metadata key; undefined for a key this connector does not know. */
export function metadataReader(key: string): ((r: ConsumedRecord) => Value) | undefined {
  switch (key) {
    case 'topic':
      return (r) => r.topic;
    case 'partition':
      return (r) => r.partition;
    case 'offset':
      return (r) => r.offset;
    case 'timestamp':
      return (r) => new Date(Number(r.timestamp));
    case 'timestamp-type':
      return (r) => TIMESTAMP_TYPES[String(r.timestampType ?? 0)] ?? 'CreateTime';
    case 'headers':
      return (r) => readHeaders(r.headers);
    case 'key':
      return (r) => (r.key === null ? null : new Uint8Array(r.key));
    case 'leader-epoch':
      return (r) => (r.leaderEpoch === undefined || r.leaderEpoch < 0 ? null : r.leaderEpoch);
    default:
      return undefined;
  }
}

function readHeaders(headers: ConsumedRecord['headers']): Map<Value, Value> {
  const out = new Map<Value, Value>();
  for (const [k, v] of Object.entries(headers ?? {})) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    out.set(k, last === undefined ? null : typeof last === 'string' ? new TextEncoder().encode(last) : new Uint8Array(last));
  }
  return out;
}

/** Writable metadata as kafkajs message fields. */
export function writeTimestamp(v: Value): string | undefined {
  return v instanceof Date && !Number.isNaN(v.getTime()) ? String(v.getTime()) : undefined;
}

export function writeHeaders(v: Value): Record<string, Buffer> | undefined {
  if (!(v instanceof Map)) return undefined;
  const out: Record<string, Buffer> = {};
  for (const [k, item] of v) {
    if (k === null || item === null) continue;
    out[String(k)] = typeof item === 'string' ? Buffer.from(item, 'utf8') : item instanceof Uint8Array ? Buffer.from(item) : Buffer.from(String(item));
  }
  return out;
}
