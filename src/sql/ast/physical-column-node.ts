import type { Span } from '../../errors/diagnostic.js';
import type { DataTypeNode } from './data-type-node.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `name type [COMMENT '...']`. NOT NULL lives in `type.type.nullable`. */
export interface PhysicalColumnNode {
  readonly kind: 'PhysicalColumnNode';
  readonly name: IdentifierNode;
  readonly type: DataTypeNode;
  readonly comment: string | null;
  readonly span: Span;
}

export const PhysicalColumnNode = nodeFactory<PhysicalColumnNode>('PhysicalColumnNode');
