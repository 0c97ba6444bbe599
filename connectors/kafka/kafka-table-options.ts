import type { ResolvedOptions } from '../../src/spi/config-spec.js';

export type StartupMode = 'group-offsets' | 'earliest-offset' | 'latest-offset' | 'timestamp' | 'specific-offsets';
export type OffsetReset = 'latest' | 'earliest' | 'none';
export type SinkPartitionerName = 'default' | 'fixed' | 'round-robin';

export interface FormatChoice {
  readonly name: string;
  /** The format's own options, prefix removed ('ignore-parse-errors', not 'json.ignore-parse-errors'). */
  readonly options: Readonly<Record<string, string>>;
}

/** A Kafka table's options compiled once into a fully-defaulted shape. */
export interface KafkaTableOptions {
  readonly topics: readonly string[];
  readonly topicPattern: RegExp | undefined;
  readonly groupId: string;
  readonly startupMode: StartupMode;
  readonly startupTimestamp: number | undefined;
  /** partition -> offset, for 'specific-offsets'. */
  readonly specificOffsets: ReadonlyMap<number, number>;
  readonly autoOffsetReset: OffsetReset;
  readonly valueFormat: FormatChoice;
  readonly keyFormat: FormatChoice | undefined;
  readonly keyFields: readonly string[];
  readonly keyFieldsPrefix: string;
  readonly valueFieldsInclude: 'ALL' | 'EXCEPT_KEY';
  readonly sinkPartitioner: SinkPartitionerName;
  readonly deliveryGuarantee: DeliveryGuarantee;
  /** Set with 'exactly-once'. */
  readonly transactions: TransactionOptions | undefined;
  /** Kafka Connect's `errors.tolerance`, for a source. */
  readonly errorTolerance: 'none' | 'all';
  readonly deadLetter: DeadLetterOptions | undefined;
}

export type DeliveryGuarantee = 'at-least-once' | 'none' | 'exactly-once';

/** Flink's 'sink.transactional-id-prefix' and how long a transaction stays open. */
export interface TransactionOptions {
  readonly idPrefix: string;
  readonly commitIntervalMs: number;
  readonly maxRecords: number;
  /** The producer's transaction.timeout.ms: the broker aborts a transaction open longer. */
  readonly timeoutMs: number;
}

/** Kafka Connect's `errors.deadletterqueue.*`, set when a dead-letter topic is named. */
export interface DeadLetterOptions {
  readonly topic: string;
  readonly contextHeaders: boolean;
  /** undefined: the broker's default. */
  readonly replicationFactor: number | undefined;
}

export function compileTableOptions(options: ResolvedOptions, jobId: string): KafkaTableOptions {
  const pattern = options.get<string>('topic-pattern');
  const valueFormat = options.require<string>('format').toLowerCase();
  const keyFormat = options.get<string>('key.format')?.toLowerCase();
  const deliveryGuarantee = (options.get<string>('sink.delivery-guarantee') ?? 'at-least-once') as DeliveryGuarantee;
  return {
    topics: options.get<readonly string[]>('topic') ?? [],
    topicPattern: pattern === undefined ? undefined : new RegExp(`^(?:${pattern})$`),
    groupId: options.get<string>('properties.group.id') ?? `predictd-${jobId}`,
    startupMode: (options.get<string>('scan.startup.mode') ?? 'group-offsets') as StartupMode,
    startupTimestamp: options.get<number>('scan.startup.timestamp-millis'),
    specificOffsets: parseSpecificOffsets(options.get<string>('scan.startup.specific-offsets') ?? ''),
    autoOffsetReset: (options.get<string>('properties.auto.offset.reset') ?? 'latest') as OffsetReset,
    valueFormat: { name: valueFormat, options: formatOptions(options.raw, valueFormat, ['value.', '']) },
    keyFormat: keyFormat === undefined ? undefined : { name: keyFormat, options: formatOptions(options.raw, keyFormat, ['key.']) },
    keyFields: options.get<readonly string[]>('key.fields') ?? [],
    keyFieldsPrefix: options.get<string>('key.fields-prefix') ?? '',
    valueFieldsInclude: (options.get<string>('value.fields-include') ?? 'ALL') as 'ALL' | 'EXCEPT_KEY',
    sinkPartitioner: (options.get<string>('sink.partitioner') ?? 'default') as SinkPartitionerName,
    deliveryGuarantee,
    transactions: deliveryGuarantee === 'exactly-once' ? transactionOptions(options) : undefined,
    errorTolerance: (options.get<string>('errors.tolerance') ?? 'none') as 'none' | 'all',
    deadLetter: deadLetterOptions(options),
  };
}

/** An empty prefix is left to checkKafkaTable, which reports it. */
function transactionOptions(options: ResolvedOptions): TransactionOptions {
  return {
    idPrefix: options.get<string>('sink.transactional-id-prefix')?.trim() ?? '',
    commitIntervalMs: options.get<number>('sink.transaction.commit-interval') ?? 100,
    maxRecords: options.get<number>('sink.transaction.max-records') ?? 10_000,
    timeoutMs: options.get<number>('properties.transaction.timeout.ms') ?? 60_000,
  };
}

function deadLetterOptions(options: ResolvedOptions): DeadLetterOptions | undefined {
  const topic = options.get<string>('errors.deadletterqueue.topic.name')?.trim();
  if (!topic) return undefined;
  return {
    topic,
    contextHeaders: options.get<boolean>('errors.deadletterqueue.context.headers.enable') ?? true,
    replicationFactor: options.get<number>('errors.deadletterqueue.topic.replication.factor'),
  };
}

/**
 * Flink names a format's options '<format>.<option>' with 'format', and
 * '<value|key>.<format>.<option>' with 'value.format' / 'key.format'; both are accepted for values.
 */
function formatOptions(raw: Readonly<Record<string, string>>, format: string, prefixes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const prefix of prefixes) {
    const full = `${prefix}${format}.`;
    for (const [k, v] of Object.entries(raw)) if (k.startsWith(full)) out[k.slice(full.length)] ??= v;
  }
  return out;
}

/** 'partition:0,offset:42;partition:1,offset:300' -> {0 -> 42, 1 -> 300}; throws on bad text. */
export function parseSpecificOffsets(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const part of text.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^partition\s*:\s*(\d+)\s*,\s*offset\s*:\s*(\d+)$/.exec(part);
    if (!m) throw new Error(`'scan.startup.specific-offsets': expected 'partition:<n>,offset:<n>', got '${part}'`);
    out.set(Number(m[1]), Number(m[2]));
  }
  return out;
}
