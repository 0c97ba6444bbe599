import type { Span } from '../../errors/diagnostic.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** DESCRIBE|DESC [MODEL] [EXTENDED] name; `objectType` null means a table or view. */
export interface DescribeNode {
  readonly kind: 'DescribeNode';
  readonly objectType: 'MODEL' | null;
  readonly extended: boolean;
  readonly name: QualifiedNameNode;
  readonly span: Span;
}

export const DescribeNode = nodeFactory<DescribeNode>('DescribeNode');
