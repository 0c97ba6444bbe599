import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** `DATE '2024-01-31'`, `TIME '12:00:00'`, `TIMESTAMP '2024-01-31 12:00:00'`. */
export interface TemporalLiteralNode {
  readonly kind: 'TemporalLiteralNode';
  readonly type: 'DATE' | 'TIME' | 'TIMESTAMP';
  readonly value: string;
  readonly span: Span;
}

export const TemporalLiteralNode = nodeFactory<TemporalLiteralNode>('TemporalLiteralNode');
