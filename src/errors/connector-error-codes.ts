/** PD43xx: connectors and formats. Code -> one-line meaning (docs/errors.md expands each). */
export const CONNECTOR_ERROR_CODES = {
  PD4301: 'a Kafka record could not be decoded with the table format (the message names topic, partition and offset)',
  PD4302: 'the Kafka consumer crashed and kafkajs will not restart it',
  PD4303: 'invalid Kafka client settings (security protocol, SASL/JAAS, SSL files, unsupported client option)',
  PD4304: 'writing to Kafka failed: the broker did not acknowledge the records',
  PD4305: 'a Kafka source or sink was used in the wrong state (run twice, or used after close)',
  PD4306: 'a row could not be encoded with the Kafka table format',
  PD4307: "'topic-pattern' matched no topic on the cluster",
  PD4308: "the dead-letter topic ('errors.deadletterqueue.topic.name') could not be looked up or created; the write is retried",
  PD4309: 'writing a record to the dead-letter topic failed: the broker did not acknowledge it; the write is retried and the offset stays uncommitted',
  PD4341: "invalid Milvus connection options ('endpoint', 'port', credentials, database, collection or partition name)",
  PD4342: 'the Milvus collection does not fit the table (missing field, incompatible type, auto-id primary key, unsupported field type)',
  PD4343: 'a row cannot be written to Milvus (NULL primary key or vector, vector of the wrong dimension, NULL in a non-nullable field)',
  PD4344: 'Milvus refused or failed a request (connect, create collection, create index, load, upsert, search)',
  PD4345: 'a Milvus sink was written (or a Milvus table searched) after close()',
} as const;
