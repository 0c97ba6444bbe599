import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** RESET 'key'; bare RESET resets every session option. */
export interface ResetNode {
  readonly kind: 'ResetNode';
  readonly key: string | null;
  readonly span: Span;
}

export const ResetNode = nodeFactory<ResetNode>('ResetNode');
