import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** `'text'` with `''` escapes resolved. */
export interface StringLiteralNode {
  readonly kind: 'StringLiteralNode';
  readonly value: string;
  readonly span: Span;
}

export const StringLiteralNode = nodeFactory<StringLiteralNode>('StringLiteralNode');
