import type { Diagnostic } from '../errors/diagnostic.js';
import type { BinaryNode } from '../sql/ast/binary-node.js';
import type { BinaryOperator } from '../sql/ast/binary-operator.js';
import type { Expr } from '../sql/ast/expr.js';
import { assertNever } from '../types/data-type.js';
import {
  compileArray, compileColumnRef, compileFieldAccess, compileMap, compilePredict, compileRow, compileSubscript,
} from './compile-access.js';
import { compileArithmetic, compileSign } from './compile-arithmetic.js';
import { compileCall, compileExtract, compileTrim } from './compile-call.js';
import { compileCase } from './compile-case.js';
import { compileCast } from './compile-cast.js';
import { compileJsonCall } from './compile-json.js';
import { compileLike } from './compile-like.js';
import { compileInterval, compileNumber, compileTemporal } from './compile-literal.js';
import { compileBetween, compileComparison, compileIn, compileIs, compileIsDistinctFrom, compileLogical, compileNot } from './compile-logic.js';
import { type Compiled, type CompileContext, type CompiledExpr, constantExpr } from './compiled-expr.js';
import type { Scope } from './scope.js';
import { T } from './types.js';

type BinaryCompiler = (node: BinaryNode, ctx: CompileContext) => Compiled | undefined;

/** Operator -> family; a new operator does not compile until it has an entry. */
const BINARY: Readonly<Record<BinaryOperator, BinaryCompiler>> = {
  '+': compileArithmetic,
  '-': compileArithmetic,
  '*': compileArithmetic,
  '/': compileArithmetic,
  '%': compileArithmetic,
  '||': compileArithmetic,
  '=': compileComparison,
  '<>': compileComparison,
  '<': compileComparison,
  '<=': compileComparison,
  '>': compileComparison,
  '>=': compileComparison,
  AND: compileLogical,
  OR: compileLogical,
};

/**
 * Compiles an expression against a scope into a typed row evaluator. Every problem is pushed
 * to `diagnostics` with the span of the node at fault (all of them, not just the first), and
 * the result is undefined when there was any. User errors never throw here.
 */
export function compileExpr(expr: Expr, scope: Scope, diagnostics: Diagnostic[]): CompiledExpr | undefined {
  const ctx: CompileContext = {
    scope,
    compile: (e) => compileNode(e, ctx),
    error: (code, message, span) => {
      diagnostics.push({ code, message, span });
      return undefined;
    },
  };
  return ctx.compile(expr);
}

function compileNode(expr: Expr, ctx: CompileContext): Compiled | undefined {
  switch (expr.kind) {
    case 'ColumnRefNode':
      return compileColumnRef(expr, ctx);
    case 'NumberLiteralNode':
      return compileNumber(expr, ctx);
    case 'StringLiteralNode':
      return constantExpr(T.string(false), expr.value);
    case 'BooleanLiteralNode':
      return constantExpr(T.boolean(false), expr.value);
    case 'NullLiteralNode':
      return constantExpr(T.null(), null);
    case 'TemporalLiteralNode':
      return compileTemporal(expr, ctx);
    case 'IntervalLiteralNode':
      return compileInterval(expr, ctx);
    case 'UnaryNode':
      return expr.op === 'NOT' ? compileNot(expr, ctx) : compileSign(expr, ctx);
    case 'BinaryNode':
      return BINARY[expr.op](expr, ctx);
    case 'IsNode':
      return compileIs(expr, ctx);
    case 'IsDistinctFromNode':
      return compileIsDistinctFrom(expr, ctx);
    case 'LikeNode':
      return compileLike(expr, ctx);
    case 'InListNode':
      return compileIn(expr, ctx);
    case 'BetweenNode':
      return compileBetween(expr, ctx);
    case 'CaseNode':
      return compileCase(expr, ctx);
    case 'CastNode':
      return compileCast(expr, ctx);
    case 'FunctionCallNode':
      return compileCall(expr, ctx);
    case 'TrimNode':
      return compileTrim(expr, ctx);
    case 'ExtractNode':
      return compileExtract(expr, ctx);
    case 'JsonCallNode':
      return compileJsonCall(expr, ctx);
    case 'MapConstructorNode':
      return compileMap(expr, ctx);
    case 'ArrayConstructorNode':
      return compileArray(expr, ctx);
    case 'RowConstructorNode':
      return compileRow(expr, ctx);
    case 'FieldAccessNode':
      return compileFieldAccess(expr, ctx);
    case 'SubscriptNode':
      return compileSubscript(expr, ctx);
    case 'MlPredictNode':
      return compilePredict(expr, ctx);
    default:
      return assertNever(expr, 'expression');
  }
}
