import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `ARRAY[a, b]`. */
export interface ArrayConstructorNode {
  readonly kind: 'ArrayConstructorNode';
  readonly elements: readonly Expr[];
  readonly span: Span;
}

export const ArrayConstructorNode = nodeFactory<ArrayConstructorNode>('ArrayConstructorNode');
