import type { Span } from '../../errors/diagnostic.js';
import type { DataTypeNode } from './data-type-node.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/**
 * One INPUT/OUTPUT column of a model: `name type [METADATA] [COMMENT '...']`. METADATA marks an
 * error metadata column (`error-string`, ...), as Flink's schema builder spells metadata columns.
 */
export interface ModelColumnNode {
  readonly kind: 'ModelColumnNode';
  readonly name: IdentifierNode;
  readonly type: DataTypeNode;
  readonly metadata: boolean;
  readonly comment: string | null;
  readonly span: Span;
}

export const ModelColumnNode = nodeFactory<ModelColumnNode>('ModelColumnNode');
