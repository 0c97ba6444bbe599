import type { Span } from '../../errors/diagnostic.js';
import type { IntervalUnit } from './interval-unit.js';
import { nodeFactory } from './node.js';

/** `INTERVAL '5' SECOND`, `INTERVAL '1 02:00' DAY TO MINUTE` (plural units normalised). */
export interface IntervalLiteralNode {
  readonly kind: 'IntervalLiteralNode';
  readonly value: string;
  readonly unit: IntervalUnit;
  readonly toUnit: IntervalUnit | null;
  readonly span: Span;
}

export const IntervalLiteralNode = nodeFactory<IntervalLiteralNode>('IntervalLiteralNode');
