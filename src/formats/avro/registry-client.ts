import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { abortable } from '../../spi/abortable.js';
import { FormatError, FormatUnavailableError } from '../../spi/format.js';
import type { AvroSchema } from './avro-schema.js';

export interface RegistryClientOptions {
  /** The registry's base URL, e.g. http://registry:8081 (Confluent) or .../apis/ccompat/v7 (Apicurio). */
  readonly url: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly bearerToken?: string;
  readonly tls?: { readonly ca?: Buffer; readonly pfx?: Buffer; readonly passphrase?: string };
  readonly requestTimeoutMs: number;
}

/** The lib's error: mappersmith reports a request that got no answer (refused, reset) as status 400 without a body. */
interface ResponseError extends Error {
  readonly status?: number;
}

/**
 * The two registry calls a Confluent-Avro format needs (a writer schema by id, a registration
 * under a subject) through @kafkajs/confluent-schema-registry, with every failure sorted into
 * one of two kinds: the registry said no (FormatError: unknown id, refused schema) or it could
 * not be asked (FormatUnavailableError: down, timing out, 5xx, 401/403, which the operator can
 * fix without a record being lost). The callers cache; this class does not retry.
 */
export class RegistryClient {
  readonly #registry: SchemaRegistry;
  readonly #url: string;

  constructor(opts: RegistryClientOptions) {
    this.#url = opts.url.replace(/\/+$/, '');
    const token = opts.bearerToken;
    const timeout = opts.requestTimeoutMs;
    this.#registry = new SchemaRegistry({
      host: this.#url,
      clientId: 'predictd',
      // The caller decides what a failure means (a row error, or read the record again later).
      retry: { retries: 0 },
      ...(opts.basicAuth ? { auth: opts.basicAuth } : {}),
      ...(opts.tls ? { agent: new HttpsAgent({ keepAlive: true, ...opts.tls }) as never } : {}),
      middlewares: [
        () => ({
          request: (req) => req.enhance({ timeout, ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}) }),
        }),
      ],
    });
  }

  /** The writer schema with this id. Rejects with FormatError (PD4322) for an id the registry does not know. */
  async schemaById(id: number, signal: AbortSignal): Promise<AvroSchema> {
    try {
      const api = (this.#registry as unknown as { api: { Schema: { find(args: { id: number }): Promise<{ data(): { schema: string; schemaType?: string } }> } } }).api;
      const response = await abortable(api.Schema.find({ id }), signal);
      const { schema, schemaType } = response.data();
      if (schemaType !== undefined && schemaType !== 'AVRO') throw new FormatError(`schema id ${id} is a ${schemaType} schema, not Avro (PD4322)`);
      return JSON.parse(schema) as AvroSchema;
    } catch (err) {
      throw this.#classify(err, signal, `fetching schema id ${id}`, (status) =>
        status === 404 ? new FormatError(`the schema registry at ${this.#url} has no schema with id ${id} (PD4322)`, { cause: err }) : undefined,
      );
    }
  }

  /**
   * Registers the schema under the subject (the registry answers the existing id for a schema
   * it holds). Rejects with FormatError (PD4323) when the registry refuses it.
   */
  async register(subject: string, schema: AvroSchema, signal: AbortSignal): Promise<number> {
    try {
      const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
      const { id } = await abortable(this.#registry.register({ type: SchemaType.AVRO, schema: text }, { subject }), signal);
      return id;
    } catch (err) {
      throw this.#classify(err, signal, `registering the schema under subject '${subject}'`, (status, message) =>
        status === 409 || status === 422
          ? new FormatError(`the schema registry refused the schema under subject '${subject}' (PD4323): ${message}`, { cause: err })
          : undefined,
      );
    }
  }

  #classify(err: unknown, signal: AbortSignal, what: string, refusal: (status: number, message: string) => FormatError | undefined): Error {
    if (signal.aborted || err instanceof FormatError) return err as Error;
    const e = err as ResponseError;
    const status = typeof e?.status === 'number' ? e.status : undefined;
    const message = e?.message ?? String(err);
    if (status !== undefined) {
      const refused = refusal(status, message);
      if (refused) return refused;
      // A 400 without a body from mappersmith is a request that got no answer.
      const noAnswer = status === 400 && /status 400:/.test(message);
      if (status >= 400 && status < 500 && !noAnswer && ![401, 403, 408, 429].includes(status)) {
        return new FormatError(`the schema registry at ${this.#url} answered ${status} ${what}: ${message}`, { cause: err });
      }
    }
    return new FormatUnavailableError(`the schema registry at ${this.#url} is unavailable (PD4310) ${what}: ${message}`, { cause: err });
  }
}

/** Reads a TLS file named by an option, saying which option when it cannot. */
export function readTlsFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`'${option}': cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
