import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`. */
export interface IsNode {
  readonly kind: 'IsNode';
  readonly operand: Expr;
  readonly not: boolean;
  readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
  readonly span: Span;
}

export const IsNode = nodeFactory<IsNode>('IsNode');
