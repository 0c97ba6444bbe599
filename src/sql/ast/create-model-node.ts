import type { Span } from '../../errors/diagnostic.js';
import type { ModelColumnNode } from './model-column-node.js';
import type { OptionNode } from './option-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/** CREATE [TEMPORARY] MODEL [IF NOT EXISTS] name [INPUT (...)] [OUTPUT (...)] [COMMENT '...'] WITH (...). */
export interface CreateModelNode {
  readonly kind: 'CreateModelNode';
  readonly name: QualifiedNameNode;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly input: readonly ModelColumnNode[] | null;
  readonly output: readonly ModelColumnNode[] | null;
  readonly comment: string | null;
  readonly options: readonly OptionNode[];
  readonly span: Span;
}

export const CreateModelNode = nodeFactory<CreateModelNode>('CreateModelNode');
