import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { CompressionTypes, ConsumerConfig, KafkaConfig, SASLOptions } from 'kafkajs';
import type { ResolvedOptions } from '../../src/spi/config-spec.js';
import { hasOptionRefs } from '../../src/spi/option-refs.js';
import { KAFKA_SPEC } from './kafka-spec.js';
import { parseJaasConfig } from './jaas-config.js';
import { KafkaConnectorError } from './kafka-connector-error.js';

export interface ConsumerSettings extends Omit<ConsumerConfig, 'groupId'> {
  readonly maxWaitTimeInMs: number;
  readonly heartbeatInterval: number;
  /** `properties.max.poll.records`: records read from one batch before yielding; undefined = all. */
  readonly maxPollRecords: number | undefined;
}

export interface ProducerSettings {
  readonly idempotent: boolean;
  readonly acks: -1 | 0 | 1;
  readonly compression: CompressionTypes.None | CompressionTypes.GZIP;
  readonly maxInFlightRequests: number | undefined;
  readonly ackTimeoutMs: number;
}

/** kafkajs settings compiled from Flink's `properties.*` options. */
export interface ClientSettings {
  readonly kafka: Omit<KafkaConfig, 'logCreator' | 'logLevel'>;
  readonly consumer: ConsumerSettings;
  readonly producer: ProducerSettings;
  /** `properties.*` keys predictd has no use for; logged at debug and otherwise ignored. */
  readonly ignored: readonly string[];
}

const GZIP = 1 as CompressionTypes.GZIP;
const NONE = 0 as CompressionTypes.None;

/** Compiles once, at table creation; reads TLS files now so a bad path fails the plan, not the first fetch. */
export function compileClientSettings(options: ResolvedOptions, jobId: string): ClientSettings {
  const int = (key: string) => options.get<number>(`properties.${key}`);
  const requestTimeout = int('request.timeout.ms') ?? 30_000;
  const protocol = options.get<string>('properties.security.protocol') ?? 'PLAINTEXT';
  const kafka: Omit<KafkaConfig, 'logCreator' | 'logLevel'> = {
    brokers: options
      .require<string>('properties.bootstrap.servers')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    clientId: options.get<string>('properties.client.id') ?? `predictd-${jobId}`,
    requestTimeout,
    connectionTimeout: int('socket.connection.setup.timeout.ms') ?? 10_000,
    retry: { initialRetryTime: int('retry.backoff.ms') ?? 300 },
    ...(protocol === 'SSL' || protocol === 'SASL_SSL' ? { ssl: tlsOptions(options) } : {}),
    ...(protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL' ? { sasl: saslOptions(options) } : {}),
  };

  const sessionTimeout = int('session.timeout.ms') ?? 45_000;
  const consumer: ConsumerSettings = {
    sessionTimeout,
    heartbeatInterval: int('heartbeat.interval.ms') ?? Math.min(3_000, Math.floor(sessionTimeout / 3)),
    rebalanceTimeout: int('max.poll.interval.ms') ?? 60_000,
    maxWaitTimeInMs: int('fetch.max.wait.ms') ?? 500,
    minBytes: int('fetch.min.bytes') ?? 1,
    maxBytes: int('fetch.max.bytes') ?? 10_485_760,
    maxBytesPerPartition: int('max.partition.fetch.bytes') ?? 1_048_576,
    metadataMaxAge: int('metadata.max.age.ms') ?? 300_000,
    readUncommitted: (options.get<string>('properties.isolation.level') ?? 'read_uncommitted') === 'read_uncommitted',
    allowAutoTopicCreation: options.get<boolean>('properties.allow.auto.create.topics') ?? false,
    maxPollRecords: int('max.poll.records'),
  };

  const acksText = options.get<string>('properties.acks') ?? 'all';
  const acks = acksText === 'all' || acksText === '-1' ? -1 : (Number(acksText) as 0 | 1);
  const idempotenceSet = options.get<boolean>('properties.enable.idempotence');
  if (idempotenceSet === true && acks !== -1) {
    throw new KafkaConnectorError('PD4303', "'properties.enable.idempotence' = 'true' needs 'properties.acks' = 'all'");
  }
  const compressionType = options.get<string>('properties.compression.type') ?? 'none';
  if (compressionType !== 'none' && compressionType !== 'gzip') {
    throw new KafkaConnectorError('PD4303', `'properties.compression.type' = '${compressionType}' is not available: predictd writes 'none' or 'gzip'`);
  }
  const producer: ProducerSettings = {
    idempotent: idempotenceSet ?? acks === -1,
    acks,
    compression: compressionType === 'gzip' ? GZIP : NONE,
    maxInFlightRequests: int('max.in.flight.requests.per.connection'),
    ackTimeoutMs: requestTimeout,
  };

  const declared = new Set(KAFKA_SPEC.options.map((o) => o.key));
  const ignored = Object.keys(options.raw).filter((k) => k.startsWith('properties.') && !declared.has(k));
  return { kafka, consumer, producer, ignored };
}

function saslOptions(options: ResolvedOptions): SASLOptions {
  const jaasText = options.get<string>('properties.sasl.jaas.config');
  if (jaasText === undefined) {
    throw new KafkaConnectorError('PD4303', "a SASL security protocol needs 'properties.sasl.jaas.config' with username and password");
  }
  // Checking a table before it runs: the JAAS text is known once the daemon resolves it, and checked then.
  if (hasOptionRefs(jaasText)) return { mechanism: 'plain', username: '', password: '' };
  let jaas;
  try {
    jaas = parseJaasConfig(jaasText);
  } catch (err) {
    throw new KafkaConnectorError('PD4303', (err as Error).message);
  }
  const isPlainModule = /PlainLoginModule$/.test(jaas.loginModule);
  const isScramModule = /ScramLoginModule$/.test(jaas.loginModule);
  const mechanism = options.get<string>('properties.sasl.mechanism') ?? (isPlainModule ? 'PLAIN' : undefined);
  if (mechanism === undefined) {
    throw new KafkaConnectorError('PD4303', "set 'properties.sasl.mechanism' (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
  }
  if ((mechanism === 'PLAIN' && !isPlainModule) || (mechanism.startsWith('SCRAM') && !isScramModule)) {
    throw new KafkaConnectorError('PD4303', `'properties.sasl.mechanism' = '${mechanism}' does not match the JAAS login module '${jaas.loginModule}'`);
  }
  const { username, password } = jaas.options;
  if (username === undefined || password === undefined) {
    throw new KafkaConnectorError('PD4303', "'properties.sasl.jaas.config' must set username and password");
  }
  switch (mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
    default:
      throw new KafkaConnectorError('PD4303', `SASL mechanism '${mechanism}' is not supported`);
  }
}

function tlsOptions(options: ResolvedOptions): ConnectionOptions {
  const get = (key: string) => options.get<string>(`properties.ssl.${key}`);
  const tls: ConnectionOptions = { rejectUnauthorized: true };

  const trustType = get('truststore.type') ?? 'PEM';
  const trustFile = get('truststore.location');
  const trustText = get('truststore.certificates');
  if (trustFile !== undefined || trustText !== undefined) {
    if (trustType !== 'PEM') {
      throw new KafkaConnectorError('PD4303', `a ${trustType} trust store cannot be read by Node: convert it to PEM and set 'properties.ssl.truststore.type' = 'PEM'`);
    }
    tls.ca = trustText ?? readFile(trustFile!, 'properties.ssl.truststore.location');
  }

  const keyType = get('keystore.type') ?? 'PEM';
  const keyFile = get('keystore.location');
  if (keyType === 'JKS' && keyFile !== undefined) {
    throw new KafkaConnectorError('PD4303', "a JKS key store cannot be read by Node: convert it to PEM or PKCS12 ('properties.ssl.keystore.type')");
  }
  if (keyType === 'PKCS12' && keyFile !== undefined) {
    tls.pfx = readBytes(keyFile, 'properties.ssl.keystore.location');
    const password = get('keystore.password');
    if (password !== undefined) tls.passphrase = password;
  } else {
    const chain = get('keystore.certificate.chain');
    const key = get('keystore.key');
    const pem = keyFile === undefined ? undefined : readFile(keyFile, 'properties.ssl.keystore.location');
    if (chain !== undefined || pem !== undefined) tls.cert = chain ?? pem;
    if (key !== undefined || pem !== undefined) tls.key = key ?? pem;
    const password = get('key.password');
    if (password !== undefined) tls.passphrase = password;
  }
  if ((get('endpoint.identification.algorithm') ?? 'https') === '') tls.checkServerIdentity = () => undefined;
  return tls;
}

function readFile(path: string, key: string): string {
  return readBytes(path, key).toString('utf8');
}

function readBytes(path: string, key: string): Buffer {
  // Checking a table before it runs: the path is known, and read, once the daemon resolves it.
  if (hasOptionRefs(path)) return Buffer.alloc(0);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KafkaConnectorError('PD4303', `'${key}': cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
