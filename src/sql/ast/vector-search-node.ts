import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { IdentifierNode } from './identifier-node.js';
import type { MapConstructorNode } from './map-constructor-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/**
 * Flink 2.2's `VECTOR_SEARCH(TABLE t, DESCRIPTOR(col), query, top_k [, MAP[...]])`, positional or
 * named (`SEARCH_TABLE =>`, `COLUMN_TO_SEARCH =>`, `COLUMN_TO_QUERY =>`, `TOP_K =>`, `CONFIG =>`),
 * and VVR's `VECTOR_SEARCH_AGG` (`aggregate`: the top-k rows of one query row as one array).
 * The query row is the FROM item before `LATERAL TABLE(...)`.
 */
export interface VectorSearchNode {
  readonly kind: 'VectorSearchNode';
  readonly aggregate: boolean;
  readonly named: boolean;
  readonly table: QualifiedNameNode;
  /** The descriptor's columns as written; the planner checks there is exactly one. */
  readonly columns: readonly IdentifierNode[];
  readonly query: Expr;
  readonly topK: Expr;
  readonly config: MapConstructorNode | null;
  readonly span: Span;
}

export const VectorSearchNode = nodeFactory<VectorSearchNode>('VectorSearchNode');
