import { assertNever } from '../../types/data-type.js';
import type { Expr, ExprKind } from '../ast/expr.js';
import type { FunctionCallNode } from '../ast/function-call-node.js';
import type { JsonBehaviorNode } from '../ast/json-behavior-node.js';
import type { JsonCallNode } from '../ast/json-call-node.js';
import type { MlPredictNode } from '../ast/ml-predict-node.js';
import type { TrimNode } from '../ast/trim-node.js';
import { BINARY_PRECEDENCE, PRECEDENCE } from '../precedence.js';
import { printDataType } from './print-data-type.js';
import { printIdentifier, printQualifiedName, printString } from './print-identifier.js';

const PREDICATE = PRECEDENCE.PREDICATE;
const PRIMARY = PRECEDENCE.POSTFIX;

/** Precedence of every kind whose precedence does not depend on its operator. */
const KIND_PRECEDENCE: Readonly<Record<Exclude<ExprKind, 'BinaryNode' | 'UnaryNode'>, number>> = {
  IsNode: PRECEDENCE.IS,
  IsDistinctFromNode: PRECEDENCE.IS,
  LikeNode: PREDICATE,
  InListNode: PREDICATE,
  BetweenNode: PREDICATE,
  ColumnRefNode: PRIMARY,
  NumberLiteralNode: PRIMARY,
  StringLiteralNode: PRIMARY,
  BooleanLiteralNode: PRIMARY,
  NullLiteralNode: PRIMARY,
  TemporalLiteralNode: PRIMARY,
  IntervalLiteralNode: PRIMARY,
  CaseNode: PRIMARY,
  CastNode: PRIMARY,
  FunctionCallNode: PRIMARY,
  TrimNode: PRIMARY,
  ExtractNode: PRIMARY,
  JsonCallNode: PRIMARY,
  MapConstructorNode: PRIMARY,
  ArrayConstructorNode: PRIMARY,
  RowConstructorNode: PRIMARY,
  FieldAccessNode: PRIMARY,
  SubscriptNode: PRIMARY,
  MlPredictNode: PRIMARY,
};

/** How tightly an expression binds once printed; see precedence.ts. */
export function exprPrecedence(expr: Expr): number {
  if (expr.kind === 'BinaryNode') return BINARY_PRECEDENCE[expr.op];
  if (expr.kind === 'UnaryNode') return expr.op === 'NOT' ? PRECEDENCE.NOT : PRECEDENCE.UNARY;
  return KIND_PRECEDENCE[expr.kind];
}

/** Targets that print bare before `.field`; a plain name would read back as one longer ColumnRef. */
const BARE_FIELD_TARGETS: ReadonlySet<ExprKind> = new Set<ExprKind>([
  'FieldAccessNode',
  'SubscriptNode',
  'FunctionCallNode',
  'CastNode',
  'JsonCallNode',
  'TrimNode',
  'ExtractNode',
  'CaseNode',
  'MapConstructorNode',
  'ArrayConstructorNode',
  'RowConstructorNode',
  'MlPredictNode',
]);

/** Prints `expr`, parenthesised when it binds looser than `min`. */
function operand(expr: Expr, min: number): string {
  const text = printExpr(expr);
  return exprPrecedence(expr) < min ? `(${text})` : text;
}

const list = (exprs: readonly Expr[]): string => exprs.map(printExpr).join(', ');

/** Canonical Flink SQL for an expression, with the fewest parentheses that keep its tree. */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'ColumnRefNode':
      return expr.parts.map((part) => printIdentifier(part.name)).join('.');
    case 'NumberLiteralNode':
      return expr.value;
    case 'StringLiteralNode':
      return printString(expr.value);
    case 'BooleanLiteralNode':
      return expr.value ? 'TRUE' : 'FALSE';
    case 'NullLiteralNode':
      return 'NULL';
    case 'TemporalLiteralNode':
      return `${expr.type} ${printString(expr.value)}`;
    case 'IntervalLiteralNode':
      return `INTERVAL ${printString(expr.value)} ${expr.unit}${expr.toUnit ? ` TO ${expr.toUnit}` : ''}`;
    case 'UnaryNode':
      if (expr.op === 'NOT') return `NOT ${operand(expr.operand, PRECEDENCE.NOT)}`;
      // `- -x` must not print as `--x`, which is a comment.
      if (expr.operand.kind === 'UnaryNode') return `${expr.op}(${printExpr(expr.operand)})`;
      return `${expr.op}${operand(expr.operand, PRECEDENCE.UNARY)}`;
    case 'BinaryNode': {
      const bp = BINARY_PRECEDENCE[expr.op];
      return `${operand(expr.left, bp)} ${expr.op} ${operand(expr.right, bp + 1)}`;
    }
    case 'IsNode':
      return `${operand(expr.operand, PRECEDENCE.IS)} IS ${expr.not ? 'NOT ' : ''}${expr.test}`;
    case 'IsDistinctFromNode':
      return `${operand(expr.left, PRECEDENCE.IS)} IS ${expr.not ? 'NOT ' : ''}DISTINCT FROM ${operand(expr.right, PRECEDENCE.COMPARISON + 1)}`;
    case 'LikeNode': {
      const escape = expr.escape ? ` ESCAPE ${operand(expr.escape, PREDICATE + 1)}` : '';
      return `${predicateHead(expr.operand, expr.not)}LIKE ${operand(expr.pattern, PREDICATE + 1)}${escape}`;
    }
    case 'InListNode':
      return `${predicateHead(expr.operand, expr.not)}IN (${list(expr.list)})`;
    case 'BetweenNode': {
      const low = operand(expr.low, PREDICATE + 1);
      return `${predicateHead(expr.operand, expr.not)}BETWEEN ${low} AND ${operand(expr.high, PREDICATE + 1)}`;
    }
    case 'CaseNode': {
      const head = expr.operand ? `CASE ${printExpr(expr.operand)}` : 'CASE';
      const whens = expr.whens.map((w) => ` WHEN ${printExpr(w.condition)} THEN ${printExpr(w.result)}`).join('');
      const otherwise = expr.elseResult ? ` ELSE ${printExpr(expr.elseResult)}` : '';
      return `${head}${whens}${otherwise} END`;
    }
    case 'CastNode':
      return `${expr.tryCast ? 'TRY_CAST' : 'CAST'}(${printExpr(expr.operand)} AS ${printDataType(expr.type.type)})`;
    case 'FunctionCallNode':
      return printFunctionCall(expr);
    case 'TrimNode':
      return printTrim(expr);
    case 'ExtractNode':
      return `EXTRACT(${expr.unit} FROM ${printExpr(expr.operand)})`;
    case 'JsonCallNode':
      return printJsonCall(expr);
    case 'MapConstructorNode':
      return `MAP[${list(expr.entries)}]`;
    case 'ArrayConstructorNode':
      return `ARRAY[${list(expr.elements)}]`;
    case 'RowConstructorNode':
      return `ROW(${list(expr.fields)})`;
    case 'FieldAccessNode': {
      const target = BARE_FIELD_TARGETS.has(expr.target.kind) ? printExpr(expr.target) : `(${printExpr(expr.target)})`;
      return `${target}.${printIdentifier(expr.field.name)}`;
    }
    case 'SubscriptNode':
      return `${operand(expr.target, PRECEDENCE.POSTFIX)}[${printExpr(expr.index)}]`;
    case 'MlPredictNode':
      return printMlPredict(expr);
    default:
      return assertNever(expr, 'expression');
  }
}

function predicateHead(subject: Expr, not: boolean): string {
  return `${operand(subject, PREDICATE)} ${not ? 'NOT ' : ''}`;
}

function printFunctionCall(call: FunctionCallNode): string {
  if (call.niladic) return call.name;
  const [first, second, third] = call.args;
  if (call.name === 'SUBSTRING' && (call.args.length === 2 || call.args.length === 3)) {
    const length = third ? ` FOR ${printExpr(third)}` : '';
    return `SUBSTRING(${printExpr(first)} FROM ${printExpr(second)}${length})`;
  }
  if (call.name === 'POSITION' && call.args.length === 2) {
    return `POSITION(${operand(first, PREDICATE + 1)} IN ${printExpr(second)})`;
  }
  return `${call.name}(${list(call.args)})`;
}

function printTrim(trim: TrimNode): string {
  const parts = [trim.mode, trim.chars ? printExpr(trim.chars) : null].filter((p) => p !== null);
  const head = parts.length > 0 ? `${parts.join(' ')} FROM ` : '';
  return `TRIM(${head}${printExpr(trim.operand)})`;
}

function printJsonCall(call: JsonCallNode): string {
  let text = `${call.fn}(${printExpr(call.operand)}, ${printExpr(call.path)}`;
  if (call.returning) text += ` RETURNING ${printDataType(call.returning.type)}`;
  if (call.wrapper) text += ` ${call.wrapper} ARRAY WRAPPER`;
  if (call.onEmpty) text += ` ${printJsonBehavior(call.onEmpty)} ON EMPTY`;
  if (call.onError) text += ` ${printJsonBehavior(call.onError)} ON ERROR`;
  return `${text})`;
}

function printJsonBehavior(behavior: JsonBehaviorNode): string {
  return behavior.defaultValue ? `DEFAULT ${printExpr(behavior.defaultValue)}` : behavior.behavior;
}

/** ML_PREDICT in the syntax of its form: TVF (positional or named), Confluent lateral, or scalar. */
export function printMlPredict(call: MlPredictNode): string {
  const config = call.config ? printExpr(call.config) : null;
  switch (call.form) {
    case 'tvf': {
      const input = `TABLE ${call.input ? printQualifiedName(call.input) : ''}`;
      const model = `MODEL ${printQualifiedName(call.model)}`;
      const descriptor = `DESCRIPTOR(${list(call.args)})`;
      const operands = call.named
        ? [`INPUT => ${input}`, `MODEL => ${model}`, `ARGS => ${descriptor}`, config ? `CONFIG => ${config}` : null]
        : [input, model, descriptor, config];
      return `ML_PREDICT(${operands.filter((o) => o !== null).join(', ')})`;
    }
    case 'lateral':
    case 'scalar': {
      const model =
        call.form === 'lateral' ? printString(call.model.parts.map((p) => p.name).join('.')) : printQualifiedName(call.model);
      return `ML_PREDICT(${[model, ...call.args.map(printExpr), ...(config ? [config] : [])].join(', ')})`;
    }
    default:
      return assertNever(call.form, 'ML_PREDICT form');
  }
}
