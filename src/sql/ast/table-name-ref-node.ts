import type { Span } from '../../errors/diagnostic.js';
import type { AliasNode } from './alias-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** A table or view in FROM: `name [[AS] alias]`. */
export interface TableNameRefNode {
  readonly kind: 'TableNameRefNode';
  readonly name: QualifiedNameNode;
  readonly alias: AliasNode | null;
  readonly span: Span;
}

export const TableNameRefNode = nodeFactory<TableNameRefNode>('TableNameRefNode');
