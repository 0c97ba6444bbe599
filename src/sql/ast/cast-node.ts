import type { Span } from '../../errors/diagnostic.js';
import type { DataTypeNode } from './data-type-node.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `CAST(x AS type)` or `TRY_CAST(x AS type)`. */
export interface CastNode {
  readonly kind: 'CastNode';
  readonly operand: Expr;
  readonly type: DataTypeNode;
  readonly tryCast: boolean;
  readonly span: Span;
}

export const CastNode = nodeFactory<CastNode>('CastNode');
