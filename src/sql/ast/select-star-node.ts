import type { Span } from '../../errors/diagnostic.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** `*` or `t.*` in a select list. */
export interface SelectStarNode {
  readonly kind: 'SelectStarNode';
  readonly qualifier: QualifiedNameNode | null;
  readonly span: Span;
}

export const SelectStarNode = nodeFactory<SelectStarNode>('SelectStarNode');
