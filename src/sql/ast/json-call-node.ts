import type { Span } from '../../errors/diagnostic.js';
import type { DataTypeNode } from './data-type-node.js';
import type { Expr } from './expr.js';
import type { JsonBehaviorNode } from './json-behavior-node.js';
import { nodeFactory } from './node.js';

/**
 * `JSON_VALUE(x, path [RETURNING type] [b ON EMPTY] [b ON ERROR])` and
 * `JSON_QUERY(x, path [RETURNING type] [wrapper] [b ON EMPTY] [b ON ERROR])`.
 */
export interface JsonCallNode {
  readonly kind: 'JsonCallNode';
  readonly fn: 'JSON_VALUE' | 'JSON_QUERY';
  readonly operand: Expr;
  readonly path: Expr;
  readonly returning: DataTypeNode | null;
  readonly wrapper: 'WITHOUT' | 'WITH CONDITIONAL' | 'WITH UNCONDITIONAL' | null;
  readonly onEmpty: JsonBehaviorNode | null;
  readonly onError: JsonBehaviorNode | null;
  readonly span: Span;
}

export const JsonCallNode = nodeFactory<JsonCallNode>('JsonCallNode');
