import type { Span } from '../../errors/diagnostic.js';
import type { CatalogObjectType } from './catalog-object-type.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** DROP [TEMPORARY] TABLE|VIEW|MODEL|CONNECTION [IF EXISTS] name. */
export interface DropNode {
  readonly kind: 'DropNode';
  readonly objectType: CatalogObjectType;
  readonly temporary: boolean;
  readonly ifExists: boolean;
  readonly name: QualifiedNameNode;
  readonly span: Span;
}

export const DropNode = nodeFactory<DropNode>('DropNode');
