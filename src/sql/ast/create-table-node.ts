import type { Span } from '../../errors/diagnostic.js';
import type { ColumnDef } from './column-def.js';
import type { OptionNode } from './option-node.js';
import type { PrimaryKeyNode } from './primary-key-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import type { WatermarkNode } from './watermark-node.js';
import { nodeFactory } from './node.js';

/**
 * CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (...) [COMMENT '...'] [WITH (...)].
 * `options` is null when there is no WITH clause (Confluent tables).
 */
export interface CreateTableNode {
  readonly kind: 'CreateTableNode';
  readonly name: QualifiedNameNode;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly watermark: WatermarkNode | null;
  readonly primaryKey: PrimaryKeyNode | null;
  readonly comment: string | null;
  readonly options: readonly OptionNode[] | null;
  readonly span: Span;
}

export const CreateTableNode = nodeFactory<CreateTableNode>('CreateTableNode');
