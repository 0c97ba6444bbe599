import type { Span } from '../../errors/diagnostic.js';
import type { StringLiteralNode } from './string-literal-node.js';
import { nodeFactory } from './node.js';

/** `'key' = 'value'` inside WITH (...) or SET (...). */
export interface OptionNode {
  readonly kind: 'OptionNode';
  readonly key: StringLiteralNode;
  readonly value: StringLiteralNode;
  readonly span: Span;
}

export const OptionNode = nodeFactory<OptionNode>('OptionNode');
