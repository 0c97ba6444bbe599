import type { Span } from '../../errors/diagnostic.js';
import type { OptionNode } from './option-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** ALTER MODEL [IF EXISTS] name SET ('k' = 'v', ...). */
export interface AlterModelSetNode {
  readonly kind: 'AlterModelSetNode';
  readonly name: QualifiedNameNode;
  readonly ifExists: boolean;
  readonly options: readonly OptionNode[];
  readonly span: Span;
}

export const AlterModelSetNode = nodeFactory<AlterModelSetNode>('AlterModelSetNode');
