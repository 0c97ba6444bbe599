import type { Span } from '../../errors/diagnostic.js';
import type { InsertNode } from './insert-node.js';
import type { QueryStatementNode } from './query-statement-node.js';
import type { StatementSetNode } from './statement-set-node.js';
import { nodeFactory } from './node.js';

/** EXPLAIN [PLAN FOR] statement. */
export interface ExplainNode {
  readonly kind: 'ExplainNode';
  readonly statement: InsertNode | QueryStatementNode | StatementSetNode;
  readonly span: Span;
}

export const ExplainNode = nodeFactory<ExplainNode>('ExplainNode');
