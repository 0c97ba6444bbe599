import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/** What a JSON function returns ON EMPTY / ON ERROR. */
export interface JsonBehaviorNode {
  readonly kind: 'JsonBehaviorNode';
  readonly behavior: 'NULL' | 'ERROR' | 'DEFAULT' | 'EMPTY ARRAY' | 'EMPTY OBJECT';
  readonly defaultValue: Expr | null;
  readonly span: Span;
}

export const JsonBehaviorNode = nodeFactory<JsonBehaviorNode>('JsonBehaviorNode');
