import type { Span } from '../../errors/diagnostic.js';
import type { CatalogObjectType } from './catalog-object-type.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** SHOW CREATE TABLE|VIEW|MODEL|CONNECTION name. */
export interface ShowCreateNode {
  readonly kind: 'ShowCreateNode';
  readonly objectType: CatalogObjectType;
  readonly name: QualifiedNameNode;
  readonly span: Span;
}

export const ShowCreateNode = nodeFactory<ShowCreateNode>('ShowCreateNode');
