import type { Span } from '../../errors/diagnostic.js';
import type { BinaryOperator } from './binary-operator.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** Arithmetic, `||`, comparison, AND and OR; `!=` is stored as `<>`. */
export interface BinaryNode {
  readonly kind: 'BinaryNode';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export const BinaryNode = nodeFactory<BinaryNode>('BinaryNode');
