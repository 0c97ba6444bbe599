import type { Span } from '../../errors/diagnostic.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** ALTER MODEL [IF EXISTS] name RENAME TO new_name. */
export interface AlterModelRenameNode {
  readonly kind: 'AlterModelRenameNode';
  readonly name: QualifiedNameNode;
  readonly ifExists: boolean;
  readonly newName: QualifiedNameNode;
  readonly span: Span;
}

export const AlterModelRenameNode = nodeFactory<AlterModelRenameNode>('AlterModelRenameNode');
