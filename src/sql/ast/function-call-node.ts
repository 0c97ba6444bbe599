import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/**
 * A call by name (upper-cased). `SUBSTRING(x FROM a FOR b)` is stored as SUBSTRING(x, a, b) and
 * `POSITION(a IN b)` as POSITION(a, b). `niladic` marks CURRENT_TIMESTAMP-style calls written without parens.
 */
export interface FunctionCallNode {
  readonly kind: 'FunctionCallNode';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly niladic: boolean;
  readonly span: Span;
}

export const FunctionCallNode = nodeFactory<FunctionCallNode>('FunctionCallNode');
