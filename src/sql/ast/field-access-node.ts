import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `(expr).field`, `arr[1].field`: field access on something other than a plain name. */
export interface FieldAccessNode {
  readonly kind: 'FieldAccessNode';
  readonly target: Expr;
  readonly field: IdentifierNode;
  readonly span: Span;
}

export const FieldAccessNode = nodeFactory<FieldAccessNode>('FieldAccessNode');
