import type { Span } from '../../errors/diagnostic.js';
import type { DataTypeNode } from './data-type-node.js';
import type { IdentifierNode } from './identifier-node.js';
import { nodeFactory } from './node.js';

/** `name type METADATA [FROM 'key'] [VIRTUAL]`; `metadataKey` null means the column name. */
export interface MetadataColumnNode {
  readonly kind: 'MetadataColumnNode';
  readonly name: IdentifierNode;
  readonly type: DataTypeNode;
  readonly metadataKey: string | null;
  readonly virtual: boolean;
  readonly comment: string | null;
  readonly span: Span;
}

export const MetadataColumnNode = nodeFactory<MetadataColumnNode>('MetadataColumnNode');
