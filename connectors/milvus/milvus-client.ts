import type { ClientConfig, MilvusClient, ResStatus } from '@zilliz/milvus2-sdk-node';
import { MilvusConnectorError } from './milvus-connector-error.js';
import type { MilvusTableOptions } from './milvus-table-options.js';

/** A client for the table's Milvus (the sink's and the searcher's), with no retries of its own. */
export async function openMilvusClient(o: MilvusTableOptions): Promise<MilvusClient> {
  // The SDK (gRPC, protobufjs: about 30 MB resident) loads with the first write to (or search of) a
  // Milvus table, not with every daemon.
  const { MilvusClient } = await import('@zilliz/milvus2-sdk-node');
  const config: ClientConfig = {
    address: o.address,
    ssl: o.ssl,
    database: o.database,
    timeout: o.requestTimeoutMs,
    // The runtime owns retries and backoff.
    maxRetries: 0,
    logLevel: 'error',
    ...(o.auth.kind === 'user' ? { username: o.auth.userName, password: o.auth.password } : {}),
    ...(o.auth.kind === 'token' ? { token: o.auth.token } : {}),
  };
  const client = new MilvusClient(config);
  // The SDK's handshake only feeds getVersion/checkHealth; its failure shows again in the next
  // request, so it must not surface as an unhandled rejection.
  client.connectPromise.catch(() => {});
  return client;
}

/** Milvus answers most failures with a status, not an exception. */
export function expectOk(status: ResStatus | undefined, doing: string): void {
  if (!status) return;
  const code = status.code ?? 0;
  if (code === 0 && (status.error_code === 'Success' || status.error_code === 0 || status.error_code === undefined)) return;
  throw new MilvusConnectorError('PD4344', `${doing}: Milvus answered ${String(status.error_code)}${code ? ` (code ${code})` : ''}: ${status.reason || 'no reason given'}`);
}

/** Errors of the SDK (gRPC errors, thrown status objects) as a MilvusConnectorError that says what failed. */
export function asConnectorError(err: unknown, doing: string): MilvusConnectorError {
  if (err instanceof MilvusConnectorError) return err;
  const status = (err as { status?: ResStatus } | null)?.status;
  const reason = err instanceof Error ? err.message : status ? `${String(status.error_code)}: ${status.reason}` : String(err);
  return new MilvusConnectorError('PD4344', `${doing}: ${reason}`, { cause: err });
}

