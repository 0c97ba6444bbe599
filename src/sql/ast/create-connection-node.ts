import type { Span } from '../../errors/diagnostic.js';
import type { OptionNode } from './option-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** CREATE [OR REPLACE] CONNECTION [IF NOT EXISTS] name [COMMENT '...'] WITH (...) (Confluent). */
export interface CreateConnectionNode {
  readonly kind: 'CreateConnectionNode';
  readonly name: QualifiedNameNode;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly comment: string | null;
  readonly options: readonly OptionNode[];
  readonly span: Span;
}

export const CreateConnectionNode = nodeFactory<CreateConnectionNode>('CreateConnectionNode');
