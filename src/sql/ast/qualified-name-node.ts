import type { Span } from '../../errors/diagnostic.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `a`, `db.a`, `cat.db.a`: an object name. */
export interface QualifiedNameNode {
  readonly kind: 'QualifiedNameNode';
  readonly parts: readonly IdentifierNode[];
  readonly span: Span;
}

export const QualifiedNameNode = nodeFactory<QualifiedNameNode>('QualifiedNameNode');
