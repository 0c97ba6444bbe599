import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `TRIM([BOTH|LEADING|TRAILING] [chars] FROM x)` or `TRIM(x)`. */
export interface TrimNode {
  readonly kind: 'TrimNode';
  readonly mode: 'BOTH' | 'LEADING' | 'TRAILING' | null;
  readonly chars: Expr | null;
  readonly operand: Expr;
  readonly span: Span;
}

export const TrimNode = nodeFactory<TrimNode>('TrimNode');
