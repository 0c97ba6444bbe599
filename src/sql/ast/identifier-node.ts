import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** A name as written (back-quotes removed). Flink identifiers are case-sensitive. */
export interface IdentifierNode {
  readonly kind: 'IdentifierNode';
  readonly name: string;
  readonly span: Span;
}

export const IdentifierNode = nodeFactory<IdentifierNode>('IdentifierNode');
