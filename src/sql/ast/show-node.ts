import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** SHOW TABLES | VIEWS | MODELS | CONNECTIONS. */
export interface ShowNode {
  readonly kind: 'ShowNode';
  readonly objects: 'TABLES' | 'VIEWS' | 'MODELS' | 'CONNECTIONS';
  readonly span: Span;
}

export const ShowNode = nodeFactory<ShowNode>('ShowNode');
