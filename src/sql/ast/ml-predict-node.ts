import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { MapConstructorNode } from './map-constructor-node.js';
import type { QualifiedNameNode } from './qualified-name-node.js';
import { nodeFactory } from './node.js';

/**
 * Every dialect form of ML_PREDICT, so the planner treats them alike:
 * - `tvf`: Flink/VVR `FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(a, b) [, MAP[...]])`, positional or
 *   named (`named`); `input` is `t` and `args` are the descriptor columns as column references.
 * - `lateral`: Confluent `FROM t, LATERAL TABLE(ML_PREDICT('m', a, b [, MAP[...]]))`; the model name
 *   came from a string (`'m$2'` keeps its version suffix) and `input` is null (the other FROM item).
 * - `scalar`: `ML_PREDICT(m, a) AS response` in a select list; `input` is null.
 */
export interface MlPredictNode {
  readonly kind: 'MlPredictNode';
  readonly form: 'tvf' | 'lateral' | 'scalar';
  readonly named: boolean;
  readonly input: QualifiedNameNode | null;
  readonly model: QualifiedNameNode;
  readonly args: readonly Expr[];
  readonly config: MapConstructorNode | null;
  readonly span: Span;
}

export const MlPredictNode = nodeFactory<MlPredictNode>('MlPredictNode');
