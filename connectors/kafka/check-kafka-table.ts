import type { TableDefinition, TableProblem } from '../../src/spi/connector.js';
import { closestMatch } from '../../src/spi/did-you-mean.js';
import { compileClientSettings } from './client-settings.js';
import { KAFKA_METADATA } from './kafka-metadata.js';
import { FORMAT_OPTION_PREFIXES, KAFKA_SPEC } from './kafka-spec.js';
import { compileTableOptions, type KafkaTableOptions } from './kafka-table-options.js';
import { tableLayout } from './record-codec.js';

/** The checks Flink's KafkaDynamicTableFactory makes beyond single options, plus predictd's own limits. */
export function checkKafkaTable(table: TableDefinition, role: 'source' | 'sink'): TableProblem[] {
  const problems: TableProblem[] = [];
  let opts: KafkaTableOptions;
  try {
    opts = compileTableOptions(table.options, 'check');
  } catch (err) {
    return [(err as Error).message];
  }

  if (role === 'source') {
    if (opts.topics.length > 0 && opts.topicPattern) problems.push("set either 'topic' or 'topic-pattern', not both");
    if (opts.topics.length === 0 && !opts.topicPattern) problems.push("a Kafka source needs 'topic' or 'topic-pattern'");
  } else {
    if (opts.topicPattern) problems.push("'topic-pattern' is for sources only; a Kafka sink writes one 'topic'");
    if (opts.topics.length !== 1) problems.push(`a Kafka sink writes exactly one 'topic', got ${opts.topics.length}`);
    problems.push(...checkExactlyOnce(table, opts));
  }

  if (opts.startupMode === 'timestamp' && opts.startupTimestamp === undefined) {
    problems.push("'scan.startup.mode' = 'timestamp' needs 'scan.startup.timestamp-millis'");
  }
  if (opts.startupMode === 'specific-offsets' && opts.specificOffsets.size === 0) {
    problems.push("'scan.startup.mode' = 'specific-offsets' needs 'scan.startup.specific-offsets'");
  }
  if (opts.keyFieldsPrefix !== '' && opts.valueFieldsInclude !== 'EXCEPT_KEY') {
    problems.push("'key.fields-prefix' needs 'value.fields-include' = 'EXCEPT_KEY'");
  }
  if (opts.keyFormat && opts.keyFields.length === 0 && table.primaryKey.length === 0) {
    problems.push("'key.format' needs 'key.fields' (or a PRIMARY KEY) naming the key columns");
  }
  try {
    tableLayout(table, opts);
  } catch (err) {
    problems.push((err as Error).message);
  }

  const known = new Set(KAFKA_METADATA.map((m) => m.key));
  for (const c of table.columns) {
    if (c.metadataKey === undefined) continue;
    const spec = KAFKA_METADATA.find((m) => m.key === c.metadataKey);
    if (!spec) {
      const hint = closestMatch(c.metadataKey, [...known]);
      problems.push(`column '${c.name}': unknown Kafka metadata key '${c.metadataKey}'${hint ? `; did you mean '${hint}'?` : ''}`);
    } else if (role === 'sink' && !c.virtual && !spec.writable) {
      problems.push(`column '${c.name}': metadata '${c.metadataKey}' cannot be written; declare it METADATA ... VIRTUAL`);
    }
  }

  problems.push(...checkDeadLetter(table, opts, role));
  problems.push(...checkFormatOptionKeys(table, opts));
  try {
    compileClientSettings(table.options, 'check');
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}

/** Flink's KafkaSink needs a transactional id prefix with exactly-once; transactions need an idempotent producer with acks=all. */
function checkExactlyOnce(table: TableDefinition, opts: KafkaTableOptions): TableProblem[] {
  if (!opts.transactions) return [];
  const problems: TableProblem[] = [];
  if (opts.transactions.idPrefix === '') {
    problems.push({ code: 'PD2011', option: 'sink.delivery-guarantee', message: "'sink.delivery-guarantee' = 'exactly-once' needs 'sink.transactional-id-prefix' (unique per INSERT)" });
  }
  if (table.options.get<boolean>('properties.enable.idempotence') === false) {
    problems.push({ code: 'PD2011', option: 'properties.enable.idempotence', message: "'exactly-once' writes with an idempotent producer; remove 'properties.enable.idempotence' = 'false'" });
  }
  const acks = table.options.get<string>('properties.acks');
  if (acks !== undefined && acks !== 'all' && acks !== '-1') {
    problems.push({ code: 'PD2011', option: 'properties.acks', message: "'exactly-once' needs 'properties.acks' = 'all'" });
  }
  return problems;
}

/**
 * Kafka Connect refuses a dead-letter topic that the connector itself reads (each routed record
 * would be read again); 'errors.*' on a sink-only use has nothing to route. A dead-letter topic
 * with 'errors.tolerance' = 'none' is allowed, as in Connect: rows the model's IGNORE lets go still go there.
 */
function checkDeadLetter(table: TableDefinition, opts: KafkaTableOptions, role: 'source' | 'sink'): TableProblem[] {
  const set = Object.keys(table.options.raw).filter((k) => k.startsWith('errors.'));
  if (role === 'sink') {
    if (set.length === 0) return [];
    return [{ code: 'PD2028', option: set[0]!, message: `'${set.join("', '")}' only apply where the table is read (errors of a job are routed by its source table); remove them from this sink` }];
  }
  const dlq = opts.deadLetter?.topic;
  if (dlq === undefined) return [];
  if (opts.topics.includes(dlq) || opts.topicPattern?.test(dlq)) {
    return [{ code: 'PD2028', option: 'errors.deadletterqueue.topic.name', message: `the dead-letter topic '${dlq}' is read by this table; name a topic it does not read` }];
  }
  return [];
}

/** 'key.*', 'value.*' and '<format>.*' keys pass the spec unchecked; each must belong to a format in use. */
function checkFormatOptionKeys(table: TableDefinition, opts: KafkaTableOptions): string[] {
  const declared = KAFKA_SPEC.options.flatMap((o) => [o.key, ...(o.aliases ?? [])]);
  const problems: string[] = [];
  const value = opts.valueFormat.name;
  const key = opts.keyFormat?.name;
  for (const k of Object.keys(table.options.raw)) {
    if (declared.includes(k) || k.startsWith('properties.')) continue;
    if (k.startsWith(`value.${value}.`) || k.startsWith(`${value}.`)) continue;
    if (key !== undefined && k.startsWith(`key.${key}.`)) continue;
    const format = FORMAT_OPTION_PREFIXES.find((p) => k.startsWith(p) || k.startsWith(`key.${p}`) || k.startsWith(`value.${p}`));
    if (format) {
      problems.push(`option '${k}' is for format '${format.slice(0, -1)}', which this table does not use (value format '${value}'${key ? `, key format '${key}'` : ''})`);
      continue;
    }
    const hint = closestMatch(k, declared);
    problems.push(`unknown option '${k}'${hint ? `; did you mean '${hint}'?` : ''}`);
  }
  return problems;
}
