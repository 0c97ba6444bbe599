import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** `MAP[k1, v1, k2, v2]`: keys and values alternate. */
export interface MapConstructorNode {
  readonly kind: 'MapConstructorNode';
  readonly entries: readonly Expr[];
  readonly span: Span;
}

export const MapConstructorNode = nodeFactory<MapConstructorNode>('MapConstructorNode');
