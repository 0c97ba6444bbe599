import type { ResolvedOptions } from '../../spi/config-spec.js';
import { FormatError, type Format, type FormatContext, type FormatFactory, type MaybePromise } from '../../spi/format.js';
import type { Column, Row } from '../../types/data-type.js';
import type { AvroCodec } from './avro-codec.js';
import { AVRO_SCHEMA_OPTIONS, tableCodec } from './avro-format.js';
import { payloadOf, readSchemaId, withHeader } from './confluent-wire.js';
import { readTlsFile, RegistryClient, type RegistryClientOptions } from './registry-client.js';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Flink's 'avro-confluent' format: Avro with Confluent's header (magic byte, schema id), the
 * writer's schema fetched from the registry by id, the table's schema registered under the
 * subject before the first write. Both are cached for good: the steady state does no I/O and
 * returns no promise.
 */
export const avroConfluentFormat: FormatFactory = {
  name: 'avro-confluent',
  summary: "Avro in Confluent's wire format through a schema registry: read by the writer's schema id, written with the table's schema registered under the subject (Flink avro-confluent).",
  spec: {
    options: [
      { key: 'url', type: { kind: 'string' }, required: true, description: 'The URL of the Confluent Schema Registry (or a compatible one, e.g. Apicurio\'s .../apis/ccompat/v7).' },
      {
        key: 'subject',
        type: { kind: 'string' },
        description: "The subject the schema is registered under when writing; default '<topic>-value' for the value, '<topic>-key' for the key.",
      },
      {
        key: 'schema',
        type: { kind: 'string' },
        description: 'The schema to register and write with (JSON of an Avro record whose fields are named as the columns); by default the one derived from the columns.',
      },
      { key: 'basic-auth.credentials-source', type: { kind: 'enum', values: ['USER_INFO', 'URL'] }, description: "Where the basic-auth credentials come from: 'basic-auth.user-info', or the user info of 'url'." },
      { key: 'basic-auth.user-info', type: { kind: 'string' }, secret: true, description: "Basic-auth credentials 'user:password' (with credentials-source USER_INFO)." },
      { key: 'bearer-auth.credentials-source', type: { kind: 'enum', values: ['STATIC_TOKEN'] }, description: "Where the bearer token comes from: 'bearer-auth.token'." },
      { key: 'bearer-auth.token', type: { kind: 'string' }, secret: true, description: 'The bearer token sent to the registry.' },
      { key: 'ssl.truststore.location', type: { kind: 'string' }, description: 'PEM file of the CA certificates that sign the registry\'s certificate (JKS stores are not read).' },
      { key: 'ssl.truststore.password', type: { kind: 'string' }, secret: true, description: 'Accepted for Flink compatibility; a PEM truststore has no password.' },
      { key: 'ssl.keystore.location', type: { kind: 'string' }, description: 'PKCS#12 file (.p12/.pfx) with the client certificate and key, for mutual TLS.' },
      { key: 'ssl.keystore.password', type: { kind: 'string' }, secret: true, description: "The password of 'ssl.keystore.location'." },
      {
        key: 'ignore-parse-errors',
        type: { kind: 'boolean' },
        default: 'false',
        description: 'Skip records that cannot be decoded (counted and logged) instead of failing the job or routing them. A registry that is down never skips a record.',
      },
      ...AVRO_SCHEMA_OPTIONS,
    ],
  },
  create(columns: readonly Column[], options: ResolvedOptions, ctx: FormatContext): Format {
    const codec = tableCodec(columns, options, 'avro-confluent.schema');
    const subject = options.get<string>('subject') ?? (ctx.topic !== undefined ? `${ctx.topic}-${ctx.part}` : undefined);
    return new AvroConfluentFormat(codec, new RegistryClient(registryOptions(options)), subject, ctx);
  },
};

/** Registry connection settings from the options; throws an Error naming an option that does not fit. */
export function registryOptions(options: ResolvedOptions): RegistryClientOptions {
  let url = options.require<string>('url');
  let basicAuth: RegistryClientOptions['basicAuth'];
  const source = options.get<string>('basic-auth.credentials-source');
  const userInfo = options.get<string>('basic-auth.user-info');
  if (source === 'URL') {
    const parsed = new URL(url);
    if (!parsed.username) throw new Error("'avro-confluent.basic-auth.credentials-source' is URL, but 'avro-confluent.url' has no user info");
    basicAuth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
    parsed.username = '';
    parsed.password = '';
    url = parsed.toString();
  } else if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    if (colon < 0) throw new Error("'avro-confluent.basic-auth.user-info' must be 'user:password'");
    basicAuth = { username: userInfo.slice(0, colon), password: userInfo.slice(colon + 1) };
  } else if (source === 'USER_INFO') {
    throw new Error("'avro-confluent.basic-auth.credentials-source' is USER_INFO, but 'avro-confluent.basic-auth.user-info' is not set");
  }
  const token = options.get<string>('bearer-auth.token');
  if (options.get<string>('bearer-auth.credentials-source') === 'STATIC_TOKEN' && token === undefined) {
    throw new Error("'avro-confluent.bearer-auth.credentials-source' is STATIC_TOKEN, but 'avro-confluent.bearer-auth.token' is not set");
  }
  const trust = options.get<string>('ssl.truststore.location');
  const keystore = options.get<string>('ssl.keystore.location');
  const tls =
    trust !== undefined || keystore !== undefined
      ? {
          ...(trust !== undefined ? { ca: readTlsFile(trust, 'avro-confluent.ssl.truststore.location') } : {}),
          ...(keystore !== undefined ? { pfx: readTlsFile(keystore, 'avro-confluent.ssl.keystore.location') } : {}),
          ...(options.get<string>('ssl.keystore.password') !== undefined ? { passphrase: options.get<string>('ssl.keystore.password')! } : {}),
        }
      : undefined;
  return {
    url,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    ...(basicAuth ? { basicAuth } : {}),
    ...(token !== undefined ? { bearerToken: token } : {}),
    ...(tls ? { tls } : {}),
  };
}

/**
 * One table part (key or value) in Confluent's wire format. Readers per writer schema id and
 * the registered id are cached once known; until then decode/encode return a promise shared
 * by every record that waits for the same schema. A failed fetch is not cached (the next
 * record asks again), except an id the registry does not know, which stays unknown.
 */
export class AvroConfluentFormat implements Format {
  readonly #codec: AvroCodec;
  readonly #client: Pick<RegistryClient, 'schemaById' | 'register'>;
  readonly #subject: string | undefined;
  readonly #ctx: FormatContext;
  readonly #readers = new Map<number, (bytes: Uint8Array) => Row>();
  readonly #fetching = new Map<number, Promise<(bytes: Uint8Array) => Row>>();
  readonly #unknown = new Map<number, FormatError>();
  #id: number | undefined;
  #registering: Promise<number> | undefined;

  constructor(codec: AvroCodec, client: Pick<RegistryClient, 'schemaById' | 'register'>, subject: string | undefined, ctx: FormatContext) {
    this.#codec = codec;
    this.#client = client;
    this.#subject = subject;
    this.#ctx = ctx;
  }

  decode(bytes: Uint8Array): MaybePromise<Row> {
    const id = readSchemaId(bytes);
    const payload = payloadOf(bytes);
    const read = this.#readers.get(id);
    if (read) return read(payload);
    const unknown = this.#unknown.get(id);
    if (unknown) throw unknown;
    return this.#reader(id).then((r) => r(payload));
  }

  encode(row: Row): MaybePromise<Uint8Array> {
    const payload = this.#codec.encode(row);
    if (this.#id !== undefined) return withHeader(this.#id, payload);
    return this.#register().then((id) => withHeader(id, payload));
  }

  async close(): Promise<void> {
    // Nothing is held open between requests but the agent's idle sockets, which do not keep Node alive.
  }

  #reader(id: number): Promise<(bytes: Uint8Array) => Row> {
    let pending = this.#fetching.get(id);
    if (!pending) {
      pending = this.#client
        .schemaById(id, this.#ctx.signal)
        .then((writer) => this.#codec.readerFor(writer))
        .then(
          (read) => {
            this.#readers.set(id, read);
            this.#ctx.log.info({ schemaId: id }, 'avro-confluent: writer schema fetched and cached');
            return read;
          },
          (err: unknown) => {
            // The registry said no (unknown id, unreadable schema): every record with this id fails alike.
            if (err instanceof FormatError) this.#unknown.set(id, err);
            throw err;
          },
        );
      const settled = pending.finally(() => this.#fetching.delete(id));
      settled.catch(() => {});
      this.#fetching.set(id, pending);
    }
    return pending;
  }

  #register(): Promise<number> {
    const subject = this.#subject;
    if (subject === undefined) {
      return Promise.reject(
        new FormatError(`no subject to register the ${this.#ctx.part} schema under: set 'avro-confluent.subject' (the table does not write one topic) (PD4321)`),
      );
    }
    this.#registering ??= this.#client.register(subject, this.#codec.schema, this.#ctx.signal).then(
      (id) => {
        this.#id = id;
        this.#ctx.log.info({ subject, schemaId: id }, 'avro-confluent: schema registered');
        return id;
      },
      (err: unknown) => {
        this.#registering = undefined;
        throw err;
      },
    );
    return this.#registering;
  }
}
