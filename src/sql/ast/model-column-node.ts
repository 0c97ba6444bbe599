import type { Span } from '../../errors/diagnostic.js';
import type { DataTypeNode } from './data-type-node.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** One INPUT/OUTPUT column of a model: `name type [COMMENT '...']`. */
export interface ModelColumnNode {
  readonly kind: 'ModelColumnNode';
  readonly name: IdentifierNode;
  readonly type: DataTypeNode;
  readonly comment: string | null;
  readonly span: Span;
}

export const ModelColumnNode = nodeFactory<ModelColumnNode>('ModelColumnNode');
