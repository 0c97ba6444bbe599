import type { Span } from '../../errors/diagnostic.js';
import type { InsertNode } from './insert-node.js';
import { nodeFactory } from './node.js';

/** BEGIN STATEMENT SET; INSERT ...; END (`BEGIN`) or EXECUTE STATEMENT SET BEGIN ... END (`EXECUTE`). */
export interface StatementSetNode {
  readonly kind: 'StatementSetNode';
  readonly syntax: 'BEGIN' | 'EXECUTE';
  readonly inserts: readonly InsertNode[];
  readonly span: Span;
}

export const StatementSetNode = nodeFactory<StatementSetNode>('StatementSetNode');
