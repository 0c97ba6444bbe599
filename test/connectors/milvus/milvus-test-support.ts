import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { MILVUS_SPEC } from '../../../connectors/milvus/milvus-spec.js';
import type { ConnectorContext, TableColumn, TableDefinition } from '../../../src/spi/connector.js';
import type { Logger } from '../../../src/spi/logger.js';
import { Registry } from '../../../src/spi/registry.js';
import { resolveOptions } from '../../../src/spi/resolve-options.js';
import type { DataType } from '../../../src/types/data-type.js';
import { silentLogger } from '../../support/silent-logger.js';

export const T = {
  str: { kind: 'STRING', nullable: true },
  strKey: { kind: 'STRING', nullable: false },
  bigKey: { kind: 'BIGINT', nullable: false },
  big: { kind: 'BIGINT', nullable: true },
  int: { kind: 'INT', nullable: true },
  double: { kind: 'DOUBLE', nullable: true },
  bool: { kind: 'BOOLEAN', nullable: true },
  ltz: { kind: 'TIMESTAMP_LTZ', precision: 3, nullable: true },
  bytes: { kind: 'BYTES', nullable: true },
  vector: { kind: 'ARRAY', element: { kind: 'FLOAT', nullable: true }, nullable: true },
  tags: { kind: 'MAP', key: { kind: 'STRING', nullable: false }, value: { kind: 'INT', nullable: true }, nullable: true },
} satisfies Record<string, DataType>;

export const col = (name: string, type: DataType): TableColumn => ({ name, type });

/** The seed's milvus_sink columns: id STRING (the key), movie_name, user_comment, embeddings ARRAY<FLOAT>. */
export const SEED_COLUMNS: TableColumn[] = [col('id', T.strKey), col('movie_name', T.str), col('user_comment', T.str), col('embeddings', T.vector)];

export function milvusTable(columns: TableColumn[], options: Record<string, string>, primaryKey: string[] = ['id']): TableDefinition {
  const { options: resolved, problems } = resolveOptions(MILVUS_SPEC, { connector: 'milvus', ...options });
  expect(problems).toEqual([]);
  return { name: 'milvus_sink', connector: 'milvus', columns, primaryKey, options: resolved };
}

export function connectorContext(log: Logger = silentLogger()): ConnectorContext {
  return { jobId: 'test-job', log, env: {}, registry: new Registry() };
}

/** A collection name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A float64 number as Milvus stores it (float32), for exact comparisons. */
export const f32 = (x: number): number => Math.fround(x);
