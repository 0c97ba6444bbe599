import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `arr[i]`, `map['k']`. */
export interface SubscriptNode {
  readonly kind: 'SubscriptNode';
  readonly target: Expr;
  readonly index: Expr;
  readonly span: Span;
}

export const SubscriptNode = nodeFactory<SubscriptNode>('SubscriptNode');
