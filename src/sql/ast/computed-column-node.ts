import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `name AS expr [COMMENT '...']`. */
export interface ComputedColumnNode {
  readonly kind: 'ComputedColumnNode';
  readonly name: IdentifierNode;
  readonly expr: Expr;
  readonly comment: string | null;
  readonly span: Span;
}

export const ComputedColumnNode = nodeFactory<ComputedColumnNode>('ComputedColumnNode');
