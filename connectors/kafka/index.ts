export { kafkaConnector, register } from './kafka-connector.js';
export { KafkaSource, type KafkaSourceStats } from './kafka-source.js';
export { KafkaSink } from './kafka-sink.js';
export { KafkaConnectorError, type KafkaErrorCode } from './kafka-connector-error.js';
export { KAFKA_METADATA } from './kafka-metadata.js';
export { KAFKA_SPEC } from './kafka-spec.js';
