import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** One parenthesised row of VALUES. */
export interface ValuesRowNode {
  readonly kind: 'ValuesRowNode';
  readonly values: readonly Expr[];
  readonly span: Span;
}

export const ValuesRowNode = nodeFactory<ValuesRowNode>('ValuesRowNode');
