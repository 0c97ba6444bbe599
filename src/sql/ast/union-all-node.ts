import type { Span } from '../../errors/diagnostic.js';
import type { Query } from './query.js';
import { nodeFactory } from './node.js';

/** q1 UNION ALL q2 [UNION ALL ...], flattened. */
export interface UnionAllNode {
  readonly kind: 'UnionAllNode';
  readonly inputs: readonly Query[];
  readonly span: Span;
}

export const UnionAllNode = nodeFactory<UnionAllNode>('UnionAllNode');
