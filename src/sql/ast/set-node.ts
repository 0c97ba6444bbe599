import type { Span } from '../../errors/diagnostic.js';
import { nodeFactory } from './node.js';

/** SET 'key' = 'value' (or an unquoted dotted key/value); bare SET lists the session options. */
export interface SetNode {
  readonly kind: 'SetNode';
  readonly key: string | null;
  readonly value: string | null;
  readonly span: Span;
}

export const SetNode = nodeFactory<SetNode>('SetNode');
