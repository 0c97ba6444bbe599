import type { Span } from '../../errors/diagnostic.js';
import type { ValuesRowNode } from './values-row-node.js';
import { nodeFactory } from './node.js';

/** VALUES (...), (...). */
export interface ValuesNode {
  readonly kind: 'ValuesNode';
  readonly rows: readonly ValuesRowNode[];
  readonly span: Span;
}

export const ValuesNode = nodeFactory<ValuesNode>('ValuesNode');
