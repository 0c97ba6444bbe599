import type { Span } from '../../errors/diagnostic.js';
import type { AliasNode } from './alias-node.js';
import type { TableFunctionCall } from './table-function-call.js';
import { nodeFactory } from './node.js';

/** A table function in FROM, plain (`ML_PREDICT(TABLE ...)`) or `LATERAL TABLE(...)`. */
export interface TableFunctionRefNode {
  readonly kind: 'TableFunctionRefNode';
  readonly call: TableFunctionCall;
  readonly alias: AliasNode | null;
  readonly span: Span;
}

export const TableFunctionRefNode = nodeFactory<TableFunctionRefNode>('TableFunctionRefNode');
