import type { Span } from '../../errors/diagnostic.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `[AS] name [(col, ...)]` after a FROM item. */
export interface AliasNode {
  readonly kind: 'AliasNode';
  readonly name: IdentifierNode;
  readonly columns: readonly IdentifierNode[] | null;
  readonly span: Span;
}

export const AliasNode = nodeFactory<AliasNode>('AliasNode');
