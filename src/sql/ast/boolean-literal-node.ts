import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** TRUE or FALSE. */
export interface BooleanLiteralNode {
  readonly kind: 'BooleanLiteralNode';
  readonly value: boolean;
  readonly span: Span;
}

export const BooleanLiteralNode = nodeFactory<BooleanLiteralNode>('BooleanLiteralNode');
