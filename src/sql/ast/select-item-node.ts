import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `expr [[AS] alias]` in a select list. */
export interface SelectItemNode {
  readonly kind: 'SelectItemNode';
  readonly expr: Expr;
  readonly alias: IdentifierNode | null;
  readonly span: Span;
}

export const SelectItemNode = nodeFactory<SelectItemNode>('SelectItemNode');
