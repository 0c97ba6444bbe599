import type { ConnectorContext, ConnectorFactory, TableDefinition, TableProblem } from '../../src/spi/connector.js';
import type { Registry } from '../../src/spi/registry.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Source } from '../../src/spi/source.js';
import { checkKafkaTable } from './check-kafka-table.js';
import { compileClientSettings } from './client-settings.js';
import { KafkaConnectorError } from './kafka-connector-error.js';
import { KAFKA_METADATA } from './kafka-metadata.js';
import { KafkaSink } from './kafka-sink.js';
import { KafkaSource } from './kafka-source.js';
import { KAFKA_SPEC } from './kafka-spec.js';
import { compileTableOptions } from './kafka-table-options.js';
import { RecordDecoder, RecordEncoder, tableLayout } from './record-codec.js';

/** Flink's 'kafka' connector: a consumer-group source that commits after the sink wrote, and a producer sink. */
export const kafkaConnector: ConnectorFactory = {
  name: 'kafka',
  summary: 'Reads Kafka topics through a consumer group (offsets committed only after the sink wrote) and writes rows to a topic.',
  spec: KAFKA_SPEC,
  metadata: KAFKA_METADATA,
  checkTable(table: TableDefinition, role: 'source' | 'sink'): readonly TableProblem[] {
    return checkKafkaTable(table, role);
  },
  createSource(table: TableDefinition, ctx: ConnectorContext): Source {
    const options = compileTableOptions(table.options, ctx.jobId);
    const client = compileClientSettings(table.options, ctx.jobId);
    const log = ctx.log.child({ table: table.name, connector: 'kafka' });
    logUnusedProperties(table, client.ignored, log);
    const formats = new AbortController();
    const topic = options.topics.length === 1 && !options.topicPattern ? options.topics[0] : undefined;
    const decoder = new RecordDecoder(table, tableLayout(table, options), ctx.registry, { log, signal: formats.signal, topic });
    return new KafkaSource({ table: table.name, options, client, decoder, formats, log, jobId: ctx.jobId });
  },
  createSink(table: TableDefinition, ctx: ConnectorContext): Sink {
    const options = compileTableOptions(table.options, ctx.jobId);
    if (options.topics.length !== 1 || options.topicPattern) {
      throw new KafkaConnectorError('PD4303', `kafka sink '${table.name}': set exactly one 'topic'`);
    }
    const client = compileClientSettings(table.options, ctx.jobId);
    const log = ctx.log.child({ table: table.name, connector: 'kafka' });
    logUnusedProperties(table, client.ignored, log);
    const formats = new AbortController();
    const topic = options.topics[0]!;
    const encoder = new RecordEncoder(table, tableLayout(table, options), ctx.registry, { log, signal: formats.signal, topic });
    return new KafkaSink({ table: table.name, topic, options, client, encoder, formats, log });
  },
};

function logUnusedProperties(table: TableDefinition, ignored: readonly string[], log: ConnectorContext['log']): void {
  if (ignored.length > 0) log.debug({ properties: ignored }, 'kafka: these client properties have no kafkajs equivalent and are ignored');
  if (table.options.get<boolean>('properties.enable.auto.commit')) {
    log.warn("kafka: 'properties.enable.auto.commit' is ignored: offsets are committed only after the sink wrote the records");
  }
}

/** Registers the 'kafka' connector. */
export function register(registry: Registry): void {
  registry.registerConnector(kafkaConnector);
}
