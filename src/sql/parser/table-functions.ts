import type { Span } from '../../errors/diagnostic.js';
import { ColumnRefNode } from '../ast/column-ref-node.js';
import type { Expr } from '../ast/expr.js';
import { IdentifierNode } from '../ast/identifier-node.js';
import { MapConstructorNode } from '../ast/map-constructor-node.js';
import { MlPredictNode } from '../ast/ml-predict-node.js';
import { QualifiedNameNode } from '../ast/qualified-name-node.js';
import type { TableFunctionCall } from '../ast/table-function-call.js';
import type { Token } from '../token.js';
import { parseExpr } from './expr-parser.js';
import { parseVectorSearch } from './vector-search-parser.js';
import type { Parser } from './parser.js';

/** `from`: a FROM item (optionally inside TABLE(...)); `lateral`: inside LATERAL TABLE(...); `expr`: a scalar call. */
export type TableFunctionPosition = 'from' | 'lateral' | 'expr';

export interface TableFunctionEntry {
  readonly name: string;
  readonly position: TableFunctionPosition;
  /** Picks between entries with the same name and position; the cursor is on the '(' after the name. */
  readonly accepts: (p: Parser) => boolean;
  readonly parse: (p: Parser, name: Token) => TableFunctionCall;
}

/**
 * Every table function form predictd knows, dialects included: the first entry whose name,
 * position and `accepts` match parses the call. Window TVFs are entries that report PD1005.
 */
export const TABLE_FUNCTIONS: readonly TableFunctionEntry[] = [
  { name: 'ML_PREDICT', position: 'from', accepts: isNamedCall, parse: parseMlPredictNamed },
  { name: 'ML_PREDICT', position: 'from', accepts: always, parse: parseMlPredictPositional },
  { name: 'ML_PREDICT', position: 'lateral', accepts: always, parse: (p, name) => parseMlPredictByModelName(p, name, 'lateral') },
  { name: 'ML_PREDICT', position: 'expr', accepts: always, parse: (p, name) => parseMlPredictByModelName(p, name, 'scalar') },
  ...['TUMBLE', 'HOP', 'CUMULATE', 'SESSION'].flatMap((name) =>
    (['from', 'lateral'] as const).map((position) => ({ name, position, accepts: always, parse: unsupportedWindow })),
  ),
  ...['VECTOR_SEARCH', 'VECTOR_SEARCH_AGG'].flatMap((name) =>
    (['from', 'lateral'] as const).map((position) => ({ name, position, accepts: always, parse: parseVectorSearch })),
  ),
  ...['ML_EVALUATE', 'ML_FORECAST', 'ML_DETECT_ANOMALIES'].flatMap((name) =>
    (['from', 'lateral'] as const).map((position) => ({ name, position, accepts: always, parse: unsupportedFunction })),
  ),
];

export function findTableFunction(p: Parser, name: string, position: TableFunctionPosition): TableFunctionEntry | undefined {
  return TABLE_FUNCTIONS.find((entry) => entry.name === name && entry.position === position && entry.accepts(p));
}

function always(): boolean {
  return true;
}

/** `ML_PREDICT(INPUT => ...`: a parameter name then `=>`. */
function isNamedCall(p: Parser): boolean {
  return p.isSymbol('(') && p.peek(1).kind === 'ident' && p.isSymbol('=>', 2);
}

function unsupportedWindow(p: Parser, name: Token): never {
  return p.unsupported(`the window function ${name.keyword} (windowed aggregation)`, name);
}

function unsupportedFunction(p: Parser, name: Token): never {
  return p.unsupported(`the table function ${name.keyword}`, name);
}

function shapeError(p: Parser, message: string, at: Token | Span): never {
  return p.raiseError('PD1007', `ML_PREDICT: ${message}`, at);
}

/** Flink 2.1 / VVR: ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(a, b) [, MAP[...]]). */
function parseMlPredictPositional(p: Parser, name: Token): MlPredictNode {
  p.expectSymbol('(');
  const input = parseTableOperand(p);
  nextOperand(p, 'the model operand MODEL <name>');
  const model = parseModelOperand(p);
  nextOperand(p, 'the DESCRIPTOR(<columns>) operand');
  const args = parseDescriptorOperand(p);
  const config = p.matchSymbol(',') ? parseConfigOperand(p) : null;
  if (p.isSymbol(',')) shapeError(p, 'takes at most four operands (TABLE, MODEL, DESCRIPTOR, MAP)', p.peek());
  p.expectSymbol(')');
  return MlPredictNode.create({ form: 'tvf', named: false, input, model, args, config, span: p.spanFrom(name) });
}

function nextOperand(p: Parser, what: string): void {
  if (p.isSymbol(')')) shapeError(p, `missing ${what}`, p.peek());
  p.expectSymbol(',');
}

/** Flink 2.1: ML_PREDICT(INPUT => TABLE t, MODEL => MODEL m, ARGS => DESCRIPTOR(...), CONFIG => MAP[...]) in any order. */
function parseMlPredictNamed(p: Parser, name: Token): MlPredictNode {
  p.expectSymbol('(');
  let input: QualifiedNameNode | null = null;
  let model: QualifiedNameNode | null = null;
  let args: Expr[] | null = null;
  let config: MapConstructorNode | null = null;
  const seen = new Set<string>();
  do {
    const param = p.peek();
    if (param.kind !== 'ident' || !p.isSymbol('=>', 1)) p.unexpected('a parameter name followed by =>');
    if (seen.has(param.keyword)) p.raiseError('PD1008', `ML_PREDICT: parameter ${param.keyword} is given twice`, param);
    seen.add(param.keyword);
    p.advance();
    p.advance();
    switch (param.keyword) {
      case 'INPUT':
        input = parseTableOperand(p);
        break;
      case 'MODEL':
        model = parseModelOperand(p);
        break;
      case 'ARGS':
        args = parseDescriptorOperand(p);
        break;
      case 'CONFIG':
        config = parseConfigOperand(p);
        break;
      default:
        shapeError(p, `unknown parameter ${param.text}: the parameters are INPUT, MODEL, ARGS and CONFIG`, param);
    }
  } while (p.matchSymbol(','));
  const close = p.peek();
  p.expectSymbol(')');
  if (!input) shapeError(p, 'missing INPUT => TABLE <name>', close);
  if (!model) shapeError(p, 'missing MODEL => MODEL <name>', close);
  if (!args) shapeError(p, 'missing ARGS => DESCRIPTOR(<columns>)', close);
  return MlPredictNode.create({ form: 'tvf', named: true, input, model, args, config, span: p.spanFrom(name) });
}

function parseTableOperand(p: Parser): QualifiedNameNode {
  if (!p.isKeyword('TABLE') || !p.isIdentifier(1)) {
    const hint = p.peek().kind === 'string' ? " (a model name in quotes is Confluent's LATERAL TABLE(ML_PREDICT('model', column)) form)" : '';
    shapeError(p, `the input operand must be TABLE <table name>${hint}`, p.peek());
  }
  p.advance();
  return p.parseQualifiedName('a table name');
}

function parseModelOperand(p: Parser): QualifiedNameNode {
  if (!p.isKeyword('MODEL') || !p.isIdentifier(1)) {
    shapeError(p, 'the model operand must be a model reference MODEL <name>', p.peek());
  }
  p.advance();
  return p.parseQualifiedName('a model name');
}

function parseDescriptorOperand(p: Parser): Expr[] {
  if (!p.isKeyword('DESCRIPTOR') || !p.isSymbol('(', 1)) {
    shapeError(p, 'the input columns must be given as DESCRIPTOR(<column>, ...)', p.peek());
  }
  p.advance();
  return p.parseIdentifierList().map((id) => ColumnRefNode.create({ parts: [id], span: id.span }));
}

function parseConfigOperand(p: Parser): MapConstructorNode {
  const config = parseExpr(p);
  if (config.kind !== 'MapConstructorNode') shapeError(p, "the options must be a MAP['key', 'value', ...]", config.span);
  return config;
}

/**
 * Confluent `LATERAL TABLE(ML_PREDICT('model', col, ... [, MAP[...]]))` and the scalar
 * `ML_PREDICT(model, col)` of a select list: a model name (string or identifier), then inputs.
 */
function parseMlPredictByModelName(p: Parser, name: Token, form: 'lateral' | 'scalar'): MlPredictNode {
  p.expectSymbol('(');
  if (p.isKeyword('TABLE')) {
    const hint = form === 'scalar' ? 'use it in FROM' : "write FROM ML_PREDICT(TABLE ...) without LATERAL, or LATERAL TABLE(ML_PREDICT('model', column))";
    shapeError(p, `the TABLE/MODEL/DESCRIPTOR form is a table function: ${hint}`, p.peek());
  }
  const model = parseModelName(p);
  const args: Expr[] = [];
  let config: MapConstructorNode | null = null;
  while (p.matchSymbol(',')) {
    if (config) shapeError(p, 'the MAP of options must be the last operand', config.span);
    const arg = parseExpr(p);
    if (arg.kind === 'MapConstructorNode') config = arg;
    else args.push(arg);
  }
  if (args.length === 0) shapeError(p, 'expected at least one input column after the model name', p.peek());
  p.expectSymbol(')');
  return MlPredictNode.create({ form, named: false, input: null, model, args, config, span: p.spanFrom(name) });
}

/** `'model'`, `'cat.db.model'`, `'model$2'` or an identifier. */
function parseModelName(p: Parser): QualifiedNameNode {
  const token = p.peek();
  if (token.kind === 'string') {
    p.advance();
    if (token.value.trim() === '') shapeError(p, 'the model name must not be empty', token);
    const parts = token.value.split('.').map((part) => IdentifierNode.create({ name: part, span: token.span }));
    return QualifiedNameNode.create({ parts, span: token.span });
  }
  if (p.isIdentifier()) return p.parseQualifiedName('a model name');
  return shapeError(p, "the first operand must be the model name ('model' or model)", token);
}
