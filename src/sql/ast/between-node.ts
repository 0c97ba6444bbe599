import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenNode {
  readonly kind: 'BetweenNode';
  readonly operand: Expr;
  readonly not: boolean;
  readonly low: Expr;
  readonly high: Expr;
  readonly span: Span;
}

export const BetweenNode = nodeFactory<BetweenNode>('BetweenNode');
