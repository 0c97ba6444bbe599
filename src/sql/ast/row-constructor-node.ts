import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `ROW(a, b)`. */
export interface RowConstructorNode {
  readonly kind: 'RowConstructorNode';
  readonly fields: readonly Expr[];
  readonly span: Span;
}

export const RowConstructorNode = nodeFactory<RowConstructorNode>('RowConstructorNode');
