import type { Span } from '../../errors/diagnostic.js';
import type { IdentifierNode } from './identifier-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import type { Query } from './query.js';
import { nodeFactory } from './node.js';

/** CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT '...'] AS query. */
export interface CreateViewNode {
  readonly kind: 'CreateViewNode';
  readonly name: QualifiedNameNode;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly IdentifierNode[] | null;
  readonly comment: string | null;
  readonly query: Query;
  readonly span: Span;
}

export const CreateViewNode = nodeFactory<CreateViewNode>('CreateViewNode');
