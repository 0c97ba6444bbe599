import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `WATERMARK FOR column AS expr`. */
export interface WatermarkNode {
  readonly kind: 'WatermarkNode';
  readonly column: IdentifierNode;
  readonly expr: Expr;
  readonly span: Span;
}

export const WatermarkNode = nodeFactory<WatermarkNode>('WatermarkNode');
