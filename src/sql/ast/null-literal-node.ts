import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** NULL. */
export interface NullLiteralNode {
  readonly kind: 'NullLiteralNode';
  readonly span: Span;
}

export const NullLiteralNode = nodeFactory<NullLiteralNode>('NullLiteralNode');
