import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `WHEN condition THEN result` of a CASE. */
export interface WhenNode {
  readonly kind: 'WhenNode';
  readonly condition: Expr;
  readonly result: Expr;
  readonly span: Span;
}

export const WhenNode = nodeFactory<WhenNode>('WhenNode');
