import type { Span } from '../../errors/diagnostic.js';
import type { AliasNode } from './alias-node.js';
import type { Query } from './query.js';
import { nodeFactory } from './node.js';

/** `(query) [[AS] alias[(cols)]]` in FROM. */
export interface SubqueryRefNode {
  readonly kind: 'SubqueryRefNode';
  readonly query: Query;
  readonly alias: AliasNode | null;
  readonly span: Span;
}

export const SubqueryRefNode = nodeFactory<SubqueryRefNode>('SubqueryRefNode');
