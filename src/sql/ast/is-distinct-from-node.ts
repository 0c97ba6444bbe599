import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `a IS [NOT] DISTINCT FROM b`: the null-safe comparison (NULL is not distinct from NULL). */
export interface IsDistinctFromNode {
  readonly kind: 'IsDistinctFromNode';
  readonly left: Expr;
  readonly not: boolean;
  readonly right: Expr;
  readonly span: Span;
}

export const IsDistinctFromNode = nodeFactory<IsDistinctFromNode>('IsDistinctFromNode');
