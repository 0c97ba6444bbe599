import type { Span } from '../../errors/diagnostic.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `col`, `t.col` or `col.field`: resolving which part is what is the planner's job. */
export interface ColumnRefNode {
  readonly kind: 'ColumnRefNode';
  readonly parts: readonly IdentifierNode[];
  readonly span: Span;
}

export const ColumnRefNode = nodeFactory<ColumnRefNode>('ColumnRefNode');
