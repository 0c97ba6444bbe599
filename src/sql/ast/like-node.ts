import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `x [NOT] LIKE pattern [ESCAPE e]`. */
export interface LikeNode {
  readonly kind: 'LikeNode';
  readonly operand: Expr;
  readonly not: boolean;
  readonly pattern: Expr;
  readonly escape: Expr | null;
  readonly span: Span;
}

export const LikeNode = nodeFactory<LikeNode>('LikeNode');
