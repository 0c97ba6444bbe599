import type { ConfigSpec, OptionSpec } from '../../src/spi/config-spec.js';

/** Format names whose '<name>.*' options may appear in a Kafka table's WITH map. */
export const FORMAT_OPTION_PREFIXES = ['json.', 'csv.', 'raw.', 'avro.', 'avro-confluent.', 'protobuf.', 'debezium-json.', 'canal-json.', 'maxwell-json.'];

const CONNECTOR: OptionSpec[] = [
  { key: 'connector', type: { kind: 'string' }, required: true, description: "Must be 'kafka'." },
  {
    key: 'topic',
    type: { kind: 'list' },
    description: "Topic(s) to read, separated by ';' (sources), or the one topic to write (sinks). Exclusive with 'topic-pattern'.",
  },
  {
    key: 'topic-pattern',
    type: { kind: 'string' },
    description: 'Sources only: a regular expression; every topic whose whole name matches it when the job starts is read.',
  },
  { key: 'properties.bootstrap.servers', type: { kind: 'string' }, required: true, description: "Comma-separated 'host:port' list of Kafka brokers." },
  {
    key: 'properties.group.id',
    type: { kind: 'string' },
    description: "Consumer group of a source; default 'predictd-<job id>'. Its committed offsets are the job's checkpoint.",
  },
  {
    key: 'format',
    aliases: ['value.format'],
    type: { kind: 'string' },
    required: true,
    description: "Format of the message value: 'json', 'csv', 'raw', 'avro', 'avro-confluent' (its options are '<format>.*' or 'value.<format>.*').",
  },
  { key: 'key.format', type: { kind: 'string' }, description: "Format of the message key (its options are 'key.<format>.*')." },
  {
    key: 'key.fields',
    type: { kind: 'list' },
    description: "Physical columns read from / written to the message key, separated by ';'. Needs 'key.format'.",
  },
  {
    key: 'key.fields-prefix',
    type: { kind: 'string' },
    default: '',
    description: "Prefix of key columns in the table schema, removed to get the key format's field names. Needs value.fields-include = EXCEPT_KEY.",
  },
  {
    key: 'value.fields-include',
    type: { kind: 'enum', values: ['ALL', 'EXCEPT_KEY'] },
    default: 'ALL',
    description: 'Whether the value format holds all physical columns (ALL) or all but the key fields (EXCEPT_KEY).',
  },
  {
    key: 'scan.startup.mode',
    type: { kind: 'enum', values: ['group-offsets', 'earliest-offset', 'latest-offset', 'timestamp', 'specific-offsets'] },
    default: 'group-offsets',
    description:
      "Where to start in a partition for which the group has NO committed offset (otherwise predictd always resumes from the committed offset). group-offsets falls back to 'properties.auto.offset.reset'.",
  },
  {
    key: 'scan.startup.timestamp-millis',
    type: { kind: 'int', min: 0 },
    description: "For scan.startup.mode = 'timestamp': the first record with a timestamp at or after this epoch-milliseconds time.",
  },
  {
    key: 'scan.startup.specific-offsets',
    type: { kind: 'string' },
    description: "For scan.startup.mode = 'specific-offsets': 'partition:0,offset:42;partition:1,offset:300' (a single topic).",
  },
  {
    key: 'properties.auto.offset.reset',
    type: { kind: 'enum', values: ['latest', 'earliest', 'none'] },
    default: 'latest',
    description:
      "With scan.startup.mode = 'group-offsets', where a partition without a committed offset starts. 'none' fails the source (Flink's default); predictd defaults to 'latest', Kafka's default.",
  },
  {
    key: 'scan.topic-partition-discovery.interval',
    type: { kind: 'duration' },
    description: 'Accepted for Flink compatibility. New partitions of subscribed topics are picked up on metadata refresh (properties.metadata.max.age.ms); topics created after the start are not.',
  },
  {
    key: 'sink.partitioner',
    type: { kind: 'enum', values: ['default', 'fixed', 'round-robin'] },
    default: 'default',
    description: "default: murmur2 of the key (Kafka's partitioner), sticky-random without a key; fixed: every row to partition 0; round-robin: partitions in turn.",
  },
  {
    key: 'sink.delivery-guarantee',
    type: { kind: 'enum', values: ['at-least-once', 'none', 'exactly-once'] },
    default: 'at-least-once',
    description:
      "at-least-once (a write completes when the broker acknowledged it), none, or exactly-once: output and the source's consumer offsets are committed in one Kafka transaction (needs a Kafka source and 'sink.transactional-id-prefix'; read_committed readers see rows only once their transaction commits).",
  },
  {
    key: 'sink.transactional-id-prefix',
    type: { kind: 'string' },
    description:
      "Exactly-once: prefix of the transactional id, '<prefix>-<source partitions>' (required with exactly-once, as in Flink). Unique per INSERT: a producer with the same id fences the other.",
  },
  {
    key: 'sink.transaction.commit-interval',
    type: { kind: 'duration', positive: true },
    default: '100 ms',
    description: "Exactly-once: a transaction commits at the latest this long after it opened (Kafka Streams' commit.interval.ms, 100 ms under exactly-once); the latency read_committed readers see.",
  },
  {
    key: 'sink.transaction.max-records',
    type: { kind: 'int', min: 1 },
    default: '10000',
    description: 'Exactly-once: a transaction commits as soon as it holds this many records, before its interval ends.',
  },
  {
    key: 'errors.tolerance',
    type: { kind: 'enum', values: ['none', 'all'] },
    default: 'none',
    description:
      "Sources, Kafka Connect's name: what a record that fails outside the model does (it cannot be decoded, an expression or CAST fails, the sink rejects it). 'none' fails the job; 'all' routes it to the dead-letter topic, or drops it with a warning when none is set. Model failures follow the model's 'error-handling-strategy'.",
  },
  {
    key: 'errors.deadletterqueue.topic.name',
    type: { kind: 'string' },
    description:
      "Sources: the dead-letter topic. A routed record is written there with its original key, value and headers (plus error headers) and its offset is committed only once the broker acknowledged that write. Created (1 partition) when missing.",
  },
  {
    key: 'errors.deadletterqueue.context.headers.enable',
    type: { kind: 'boolean' },
    default: 'true',
    description:
      "Whether dead-letter records carry the '__predictd.errors.*' headers (stage, error, model, HTTP status, source topic/partition/offset, time). Default true, unlike Kafka Connect's false: without them a dead-letter record cannot be told apart.",
  },
  {
    key: 'errors.deadletterqueue.topic.replication.factor',
    type: { kind: 'int', min: 1 },
    description: "Replication factor of the dead-letter topic when predictd creates it; default: the broker's default.replication.factor.",
  },
  { key: 'sink.parallelism', type: { kind: 'int', min: 1 }, description: 'Accepted for Flink compatibility; predictd writes from one task per job.' },
];

const intProp = (key: string, description: string, min = 0): OptionSpec => ({ key: `properties.${key}`, type: { kind: 'int', min }, description });

/** Kafka client properties that predictd maps onto kafkajs; other 'properties.*' are ignored (debug log). */
const PROPERTIES: OptionSpec[] = [
  { key: 'properties.client.id', type: { kind: 'string' }, description: "Client id sent to the brokers; default 'predictd-<job id>'." },
  {
    key: 'properties.security.protocol',
    type: { kind: 'enum', values: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] },
    default: 'PLAINTEXT',
    description: 'How to talk to the brokers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.',
  },
  {
    key: 'properties.sasl.mechanism',
    type: { kind: 'enum', values: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] },
    description: 'SASL mechanism for SASL_* protocols (PLAIN is assumed when the JAAS config uses PlainLoginModule).',
  },
  {
    key: 'properties.sasl.jaas.config',
    type: { kind: 'string' },
    secret: true,
    description: 'JAAS login, e.g. \'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";\'. username and password are taken from it.',
  },
  { key: 'properties.ssl.truststore.location', type: { kind: 'string' }, description: 'CA certificates file (PEM; JKS and PKCS12 trust stores must be converted to PEM).' },
  { key: 'properties.ssl.truststore.type', type: { kind: 'enum', values: ['PEM', 'JKS', 'PKCS12'] }, default: 'PEM', description: 'Type of the trust store; only PEM is readable by Node.' },
  { key: 'properties.ssl.truststore.certificates', type: { kind: 'string' }, description: 'CA certificates as PEM text, instead of a file.' },
  { key: 'properties.ssl.truststore.password', type: { kind: 'string' }, secret: true, description: 'Accepted and unused: PEM trust stores have no password.' },
  { key: 'properties.ssl.keystore.location', type: { kind: 'string' }, description: 'Client certificate and key for mutual TLS: a PEM file (certificate chain + private key) or a PKCS12 file.' },
  { key: 'properties.ssl.keystore.type', type: { kind: 'enum', values: ['PEM', 'PKCS12', 'JKS'] }, default: 'PEM', description: 'Type of the key store: PEM or PKCS12 (JKS must be converted).' },
  { key: 'properties.ssl.keystore.password', type: { kind: 'string' }, secret: true, description: 'Password of a PKCS12 key store.' },
  { key: 'properties.ssl.keystore.certificate.chain', type: { kind: 'string' }, description: 'Client certificate chain as PEM text, instead of a file.' },
  { key: 'properties.ssl.keystore.key', type: { kind: 'string' }, secret: true, description: 'Client private key as PEM text, instead of a file.' },
  { key: 'properties.ssl.key.password', type: { kind: 'string' }, secret: true, description: 'Password of an encrypted PEM private key.' },
  {
    key: 'properties.ssl.endpoint.identification.algorithm',
    type: { kind: 'string' },
    default: 'https',
    description: "'https' checks that the broker certificate names the host; '' (empty) turns the check off.",
  },
  intProp('request.timeout.ms', 'Client request timeout, also the time the broker may take to acknowledge a write (default 30000).', 1),
  intProp('socket.connection.setup.timeout.ms', 'Connection timeout (default 10000).', 1),
  intProp('retry.backoff.ms', 'First retry delay of failed client requests (default 300).', 1),
  intProp('metadata.max.age.ms', 'How often cluster metadata is refreshed (default 300000).', 1),
  intProp('session.timeout.ms', 'Consumer group session timeout (default 45000).', 1),
  intProp('heartbeat.interval.ms', 'Consumer heartbeat interval (default 3000); heartbeats are also sent while a full pipeline holds the reader.', 1),
  intProp('max.poll.interval.ms', 'Used as the rebalance timeout: how long the group waits for this member to rejoin (default 60000).', 1),
  intProp('max.poll.records', 'At most this many records are read from one fetched batch before the reader lets kafkajs heartbeat and fetch again (default: the whole batch).', 1),
  intProp('fetch.max.wait.ms', 'Longest a fetch waits for data (default 500, so a resumed partition is read again promptly).', 0),
  intProp('fetch.min.bytes', 'Minimum bytes a fetch waits for (default 1).', 1),
  intProp('fetch.max.bytes', 'Maximum bytes per fetch (default 10485760).', 1),
  intProp('max.partition.fetch.bytes', 'Maximum bytes per partition per fetch (default 1048576).', 1),
  { key: 'properties.isolation.level', type: { kind: 'enum', values: ['read_uncommitted', 'read_committed'] }, default: 'read_uncommitted', description: 'Whether records of open or aborted transactions are read (Kafka default read_uncommitted).' },
  { key: 'properties.allow.auto.create.topics', type: { kind: 'boolean' }, default: 'false', description: 'Whether subscribing to a missing topic may create it (if the broker allows).' },
  { key: 'properties.enable.auto.commit', type: { kind: 'boolean' }, default: 'false', description: 'Ignored: predictd commits offsets only after the sink wrote the records.' },
  { key: 'properties.acks', type: { kind: 'enum', values: ['all', '-1', '1', '0'] }, default: 'all', description: "Sink acknowledgements: 'all' (-1, the default) waits for all in-sync replicas." },
  { key: 'properties.enable.idempotence', type: { kind: 'boolean' }, description: 'Idempotent producer (default true with acks=all, as in Kafka 3.x).' },
  { key: 'properties.compression.type', type: { kind: 'enum', values: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] }, default: 'none', description: 'Compression of written batches: none or gzip (snappy, lz4 and zstd need codecs predictd does not ship).' },
  intProp('max.in.flight.requests.per.connection', 'Maximum unacknowledged produce requests per broker connection.', 1),
  intProp(
    'transaction.timeout.ms',
    "Exactly-once: how long the broker lets a transaction stay open before it aborts it (default 60000); at most the broker's transaction.max.timeout.ms (default 900000).",
    1,
  ),
];

/** The 'kafka' connector's WITH options, with Flink's names. */
export const KAFKA_SPEC: ConfigSpec = {
  options: [...CONNECTOR, ...PROPERTIES],
  // 'key.' and 'value.' cover 'key.<format>.*' / 'value.<format>.*'; checkTable reports the rest as unknown.
  passthroughPrefixes: ['properties.', 'key.', 'value.', ...FORMAT_OPTION_PREFIXES],
};
