import type { ArrayConstructorNode } from './array-constructor-node.js';
import type { BetweenNode } from './between-node.js';
import type { BinaryNode } from './binary-node.js';
import type { BooleanLiteralNode } from './boolean-literal-node.js';
import type { CaseNode } from './case-node.js';
import type { CastNode } from './cast-node.js';
import type { ColumnRefNode } from './column-ref-node.js';
import type { ExtractNode } from './extract-node.js';
import type { FieldAccessNode } from './field-access-node.js';
import type { FunctionCallNode } from './function-call-node.js';
import type { InListNode } from './in-list-node.js';
import type { IntervalLiteralNode } from './interval-literal-node.js';
import type { IsDistinctFromNode } from './is-distinct-from-node.js';
import type { IsNode } from './is-node.js';
import type { JsonCallNode } from './json-call-node.js';
import type { LikeNode } from './like-node.js';
import type { MapConstructorNode } from './map-constructor-node.js';
import type { MlPredictNode } from './ml-predict-node.js';
import type { NullLiteralNode } from './null-literal-node.js';
import type { NumberLiteralNode } from './number-literal-node.js';
import type { RowConstructorNode } from './row-constructor-node.js';
import type { StringLiteralNode } from './string-literal-node.js';
import type { SubscriptNode } from './subscript-node.js';
import type { TemporalLiteralNode } from './temporal-literal-node.js';
import type { TrimNode } from './trim-node.js';
import type { UnaryNode } from './unary-node.js';

/** Every scalar expression. `MlPredictNode` appears here in its `scalar` form. */
export type Expr =
  | ColumnRefNode
  | NumberLiteralNode
  | StringLiteralNode
  | BooleanLiteralNode
  | NullLiteralNode
  | TemporalLiteralNode
  | IntervalLiteralNode
  | UnaryNode
  | BinaryNode
  | IsNode
  | IsDistinctFromNode
  | LikeNode
  | InListNode
  | BetweenNode
  | CaseNode
  | CastNode
  | FunctionCallNode
  | TrimNode
  | ExtractNode
  | JsonCallNode
  | MapConstructorNode
  | ArrayConstructorNode
  | RowConstructorNode
  | FieldAccessNode
  | SubscriptNode
  | MlPredictNode;

export type ExprKind = Expr['kind'];
