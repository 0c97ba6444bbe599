import type { Span } from '../../errors/diagnostic.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import type { StringLiteralNode } from './string-literal-node.js';
import { nodeFactory } from './node.js';

/** ALTER MODEL [IF EXISTS] name RESET ('k', ...). */
export interface AlterModelResetNode {
  readonly kind: 'AlterModelResetNode';
  readonly name: QualifiedNameNode;
  readonly ifExists: boolean;
  readonly keys: readonly StringLiteralNode[];
  readonly span: Span;
}

export const AlterModelResetNode = nodeFactory<AlterModelResetNode>('AlterModelResetNode');
