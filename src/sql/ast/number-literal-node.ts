import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** A number as written (`1`, `1.50`, `2E-3`); never negative (that is a unary minus). */
export interface NumberLiteralNode {
  readonly kind: 'NumberLiteralNode';
  readonly value: string;
  readonly span: Span;
}

export const NumberLiteralNode = nodeFactory<NumberLiteralNode>('NumberLiteralNode');
