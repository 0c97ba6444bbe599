import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `EXTRACT(unit FROM x)`; `unit` is upper-cased (YEAR, MONTH, ..., EPOCH). */
export interface ExtractNode {
  readonly kind: 'ExtractNode';
  readonly unit: string;
  readonly operand: Expr;
  readonly span: Span;
}

export const ExtractNode = nodeFactory<ExtractNode>('ExtractNode');
