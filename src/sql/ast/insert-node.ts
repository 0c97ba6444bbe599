import type { Span } from '../../errors/diagnostic.js';
import type { IdentifierNode } from './identifier-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import type { Query } from './query.js';
import { nodeFactory } from './node.js';

/** INSERT INTO table [(cols)] query, where query is a SELECT, VALUES or UNION ALL. */
export interface InsertNode {
  readonly kind: 'InsertNode';
  readonly table: QualifiedNameNode;
  readonly columns: readonly IdentifierNode[] | null;
  readonly query: Query;
  readonly span: Span;
}

export const InsertNode = nodeFactory<InsertNode>('InsertNode');
