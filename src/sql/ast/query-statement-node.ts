import type { Span } from '../../errors/diagnostic.js';
import type { Query } from './query.js';
import { nodeFactory } from './node.js';

/** A query run on its own (`SELECT * FROM t, LATERAL TABLE(ML_PREDICT(...))`). */
export interface QueryStatementNode {
  readonly kind: 'QueryStatementNode';
  readonly query: Query;
  readonly span: Span;
}

export const QueryStatementNode = nodeFactory<QueryStatementNode>('QueryStatementNode');
