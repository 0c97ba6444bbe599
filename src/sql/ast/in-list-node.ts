import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `x [NOT] IN (a, b, ...)`. */
export interface InListNode {
  readonly kind: 'InListNode';
  readonly operand: Expr;
  readonly not: boolean;
  readonly list: readonly Expr[];
  readonly span: Span;
}

export const InListNode = nodeFactory<InListNode>('InListNode');
