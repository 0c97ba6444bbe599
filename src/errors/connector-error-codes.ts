/** PD43xx: connectors and formats. Code -> one-line meaning (docs/errors.md expands each). */
export const CONNECTOR_ERROR_CODES = {
  PD4301: 'a Kafka record could not be decoded with the table format (the message names topic, partition and offset)',
  PD4302: 'the Kafka consumer crashed and kafkajs will not restart it',
  PD4303: 'invalid Kafka client settings (security protocol, SASL/JAAS, SSL files, unsupported client option)',
  PD4304: 'writing to Kafka failed: the broker did not acknowledge the records',
  PD4305: 'a Kafka source or sink was used in the wrong state (run twice, or used after close)',
  PD4306: 'a row could not be encoded with the Kafka table format',
  PD4307: "'topic-pattern' matched no topic on the cluster",
} as const;
