import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { WhenNode } from './when-node.js';
import { nodeFactory } from './node.js';

/** Searched (`operand` null) or simple CASE. */
export interface CaseNode {
  readonly kind: 'CaseNode';
  readonly operand: Expr | null;
  readonly whens: readonly WhenNode[];
  readonly elseResult: Expr | null;
  readonly span: Span;
}

export const CaseNode = nodeFactory<CaseNode>('CaseNode');
