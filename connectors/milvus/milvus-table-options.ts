import type { ResolvedOptions } from '../../src/spi/config-spec.js';
import { hasOptionRefs } from '../../src/spi/option-refs.js';
import { MilvusConnectorError } from './milvus-connector-error.js';
import { DEFAULT_MILVUS_PORT } from './milvus-spec.js';

export type MetricType = 'COSINE' | 'L2' | 'IP';
export type IndexType = 'AUTOINDEX' | 'FLAT';

/** A Milvus table's options compiled once into a fully-defaulted shape. */
export interface MilvusTableOptions {
  /** 'host:port' as the gRPC client dials it. */
  readonly address: string;
  readonly ssl: boolean;
  readonly auth: { readonly kind: 'none' } | { readonly kind: 'user'; readonly userName: string; readonly password: string } | { readonly kind: 'token'; readonly token: string };
  readonly database: string;
  /** The collection as written in the table... */
  readonly declaredCollection: string;
  /** ...and as sent to Milvus (after 'collection.name-mapping'). */
  readonly collection: string;
  readonly partition: string | undefined;
  readonly maxRowsPerRequest: number;
  readonly requestTimeoutMs: number;
  readonly dimension: number | undefined;
  readonly metricType: MetricType;
  readonly indexType: IndexType;
}

/** Milvus' rule for database, collection, partition and field names (also the length limit). */
const MILVUS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME_LENGTH = 255;

export function milvusNameProblem(what: string, name: string): string | undefined {
  if (name.length === 0) return `${what} is empty`;
  if (name.length > MAX_NAME_LENGTH) return `${what} '${name}' is longer than Milvus' ${MAX_NAME_LENGTH} characters`;
  if (!MILVUS_NAME.test(name)) return `${what} '${name}' is not a Milvus name: use letters, digits and underscores, not starting with a digit`;
  return undefined;
}

/** 'movie-comment-embeddings' -> 'movie_comment_embeddings'; a leading digit gets a '_' in front. */
export function sanitizeCollectionName(name: string): string {
  const replaced = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

/**
 * Throws MilvusConnectorError (PD4341) naming the first unusable option; secrets are never echoed.
 * The daemon resolves `${...}` references before a sink is created; while checking a table
 * before it runs, a value that still holds one stands for a valid one.
 */
export function compileMilvusOptions(options: ResolvedOptions): MilvusTableOptions {
  const read = (key: string): string | undefined => {
    const value = options.get<string>(key);
    return value !== undefined && hasOptionRefs(value) ? 'resolved-later' : value;
  };
  const portExplicit = Object.hasOwn(options.raw, 'port');
  const { host, port: endpointPort, ssl } = parseEndpoint(read('endpoint') ?? '');
  const port = options.get<number>('port') ?? DEFAULT_MILVUS_PORT;
  if (endpointPort !== undefined && portExplicit && endpointPort !== port) {
    throw invalid(`'endpoint' names port ${endpointPort} but 'port' is ${port}; set one of them`);
  }

  const userName = read('userName');
  const password = read('password');
  const token = read('token');
  let auth: MilvusTableOptions['auth'] = { kind: 'none' };
  if (token !== undefined && token !== '') {
    if (userName) throw invalid("set either 'token' or 'userName'/'password', not both");
    auth = { kind: 'token', token };
  } else if (userName) {
    if (password === undefined) throw invalid("'userName' needs 'password'");
    auth = { kind: 'user', userName, password };
  } else if (password) {
    throw invalid("'password' needs 'userName'");
  }

  const database = options.get<string>('databaseName') ?? 'default';
  const databaseProblem = milvusNameProblem("'databaseName'", database);
  if (databaseProblem) throw invalid(databaseProblem);

  const declaredCollection = options.require<string>('collectionName');
  const mapping = options.get<string>('collection.name-mapping') ?? 'sanitize';
  const collection = mapping === 'verbatim' ? declaredCollection : sanitizeCollectionName(declaredCollection);
  if (mapping !== 'verbatim') {
    const problem = milvusNameProblem("'collectionName'", collection);
    if (problem) throw invalid(problem);
  } else if (collection.length === 0) {
    throw invalid("'collectionName' is empty");
  }

  const partition = options.get<string>('partitionName');
  if (partition !== undefined) {
    const problem = milvusNameProblem("'partitionName'", partition);
    if (problem) throw invalid(problem);
  }

  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${endpointPort ?? port}`,
    ssl,
    auth,
    database,
    declaredCollection,
    collection,
    partition,
    maxRowsPerRequest: options.get<number>('sink.buffer-flush.max-rows') ?? 500,
    requestTimeoutMs: options.get<number>('sink.request-timeout') ?? 30_000,
    dimension: options.get<number>('vector.dimension'),
    metricType: (options.get<string>('metric-type') ?? 'COSINE') as MetricType,
    indexType: (options.get<string>('index-type') ?? 'AUTOINDEX') as IndexType,
  };
}

/** 'host', 'host:port', '[::1]:port', 'http(s)://host[:port][/]' (also grpc/grpcs). */
export function parseEndpoint(endpoint: string): { host: string; port: number | undefined; ssl: boolean } {
  const text = endpoint.trim();
  if (text === '') throw invalid("'endpoint' is empty");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!['http', 'https', 'grpc', 'grpcs', 'tcp'].includes(scheme)) throw invalid(`'endpoint' has scheme '${scheme}'; use http, https or a plain host name`);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid(`'endpoint' '${text}' is not a valid URL`);
    }
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.username !== '') {
      throw invalid(`'endpoint' '${url.protocol}//${url.host}' must not carry a path, query or user; use 'userName'/'password'`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // Read the port from the text: URL drops a scheme's default port (https://h:443 -> '').
    const written = /^[^:]+:\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/.exec(text)?.[1];
    return { host, port: portOf(written), ssl: scheme === 'https' || scheme === 'grpcs' };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: portOf(bracketed[2]), ssl: false };
  const parts = text.split(':');
  if (parts.length === 2) return { host: checkHost(parts[0]!), port: portOf(parts[1]), ssl: false };
  if (parts.length > 2) return { host: text, port: undefined, ssl: false };
  return { host: checkHost(text), port: undefined, ssl: false };
}

function checkHost(host: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(host)) throw invalid(`'endpoint' host '${host}' is not a host name or IP address`);
  return host;
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw invalid(`'endpoint' port '${text}' is not a port number`);
  return port;
}

function invalid(message: string): MilvusConnectorError {
  return new MilvusConnectorError('PD4341', message);
}
