import type { Span } from '../../errors/diagnostic.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `[CONSTRAINT name] PRIMARY KEY (a, b) NOT ENFORCED`; a column-level key becomes one of these too. */
export interface PrimaryKeyNode {
  readonly kind: 'PrimaryKeyNode';
  readonly constraintName: IdentifierNode | null;
  readonly columns: readonly IdentifierNode[];
  readonly span: Span;
}

export const PrimaryKeyNode = nodeFactory<PrimaryKeyNode>('PrimaryKeyNode');
