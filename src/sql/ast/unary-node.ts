import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `-x`, `+x`, `NOT x`. */
export interface UnaryNode {
  readonly kind: 'UnaryNode';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
  readonly span: Span;
}

export const UnaryNode = nodeFactory<UnaryNode>('UnaryNode');
