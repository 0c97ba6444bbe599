import { CastNode } from '../ast/cast-node.js';
import type { Expr } from '../ast/expr.js';
import { ExtractNode } from '../ast/extract-node.js';
import { FunctionCallNode } from '../ast/function-call-node.js';
import { JsonBehaviorNode } from '../ast/json-behavior-node.js';
import { JsonCallNode } from '../ast/json-call-node.js';
import { TrimNode } from '../ast/trim-node.js';
import { PRECEDENCE } from '../precedence.js';
import type { Token } from '../token.js';
import { parseExpr } from './expr-parser.js';
import type { Parser } from './parser.js';
import { parseDataType } from './type-parser.js';

/** Parses a call whose arguments are not a plain comma list; the cursor is on the '('. */
export type SpecialFunctionParser = (p: Parser, name: Token) => Expr;

/** Functions with SQL-standard keyword syntax inside the parentheses. */
const SPECIAL_FUNCTIONS: Readonly<Record<string, SpecialFunctionParser>> = {
  CAST: (p, name) => parseCast(p, name, false),
  TRY_CAST: (p, name) => parseCast(p, name, true),
  TRIM: parseTrim,
  SUBSTRING: parseSubstring,
  POSITION: parsePosition,
  EXTRACT: parseExtract,
  JSON_VALUE: (p, name) => parseJsonCall(p, name, 'JSON_VALUE'),
  JSON_QUERY: (p, name) => parseJsonCall(p, name, 'JSON_QUERY'),
};

export function findSpecialFunction(name: string): SpecialFunctionParser | undefined {
  return Object.hasOwn(SPECIAL_FUNCTIONS, name) ? SPECIAL_FUNCTIONS[name] : undefined;
}

function parseCast(p: Parser, name: Token, tryCast: boolean): Expr {
  p.expectSymbol('(');
  const operand = parseExpr(p);
  p.expectKeyword('AS');
  const type = parseDataType(p);
  p.expectSymbol(')');
  return CastNode.create({ operand, type, tryCast, span: p.spanFrom(name) });
}

/** TRIM(x), TRIM([BOTH|LEADING|TRAILING] [chars] FROM x). */
function parseTrim(p: Parser, name: Token): Expr {
  p.expectSymbol('(');
  const modeToken = p.peek();
  const mode = modeToken.keyword === 'BOTH' || modeToken.keyword === 'LEADING' || modeToken.keyword === 'TRAILING' ? modeToken.keyword : null;
  let chars: Expr | null = null;
  let operand: Expr;
  if (mode) {
    p.advance();
    if (!p.isKeyword('FROM')) chars = parseExpr(p);
    p.expectKeyword('FROM');
    operand = parseExpr(p);
  } else {
    operand = parseExpr(p);
    if (p.matchKeyword('FROM')) {
      chars = operand;
      operand = parseExpr(p);
    }
  }
  p.expectSymbol(')');
  return TrimNode.create({ mode, chars, operand, span: p.spanFrom(name) });
}

/** SUBSTRING(x FROM a [FOR b]) or SUBSTRING(x, a [, b]), both stored as SUBSTRING(x, a[, b]). */
function parseSubstring(p: Parser, name: Token): Expr {
  p.expectSymbol('(');
  const args = [parseExpr(p)];
  if (p.matchKeyword('FROM')) {
    args.push(parseExpr(p));
    if (p.matchKeyword('FOR')) args.push(parseExpr(p));
  } else {
    while (p.matchSymbol(',')) args.push(parseExpr(p));
  }
  p.expectSymbol(')');
  return FunctionCallNode.create({ name: 'SUBSTRING', args, niladic: false, span: p.spanFrom(name) });
}

/** POSITION(needle IN haystack), stored as POSITION(needle, haystack). */
function parsePosition(p: Parser, name: Token): Expr {
  p.expectSymbol('(');
  const needle = parseExpr(p, PRECEDENCE.PREDICATE + 1);
  p.expectKeyword('IN');
  const haystack = parseExpr(p);
  p.expectSymbol(')');
  return FunctionCallNode.create({ name: 'POSITION', args: [needle, haystack], niladic: false, span: p.spanFrom(name) });
}

const EXTRACT_UNITS: ReadonlySet<string> = new Set([
  'MILLENNIUM', 'CENTURY', 'DECADE', 'YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DOY', 'DOW', 'ISODOW',
  'ISOYEAR', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND', 'EPOCH',
]);

function parseExtract(p: Parser, name: Token): Expr {
  p.expectSymbol('(');
  const unit = p.peek().keyword;
  if (!EXTRACT_UNITS.has(unit)) p.unexpected('a time unit (YEAR, MONTH, DAY, HOUR ...)');
  p.advance();
  p.expectKeyword('FROM');
  const operand = parseExpr(p);
  p.expectSymbol(')');
  return ExtractNode.create({ unit, operand, span: p.spanFrom(name) });
}

/** JSON_VALUE / JSON_QUERY (x, path [RETURNING type] [wrapper] [b ON EMPTY] [b ON ERROR]). */
function parseJsonCall(p: Parser, name: Token, fn: JsonCallNode['fn']): Expr {
  p.expectSymbol('(');
  const operand = parseExpr(p);
  p.expectSymbol(',');
  const path = parseExpr(p);
  const returning = p.matchKeyword('RETURNING') ? parseDataType(p) : null;
  const wrapper = fn === 'JSON_QUERY' ? parseJsonWrapper(p) : null;
  let onEmpty: JsonBehaviorNode | null = null;
  let onError: JsonBehaviorNode | null = null;
  while (!p.isSymbol(')')) {
    const behavior = parseJsonBehavior(p);
    p.expectKeyword('ON');
    const which = p.peek();
    if (which.keyword === 'EMPTY' && !onEmpty && !onError) onEmpty = behavior;
    else if (which.keyword === 'ERROR' && !onError) onError = behavior;
    else if (which.keyword === 'EMPTY' || which.keyword === 'ERROR') {
      p.raiseError('PD1008', `ON ${which.keyword} is given twice or out of order (ON EMPTY comes first)`, which);
    } else p.unexpected('EMPTY or ERROR');
    p.advance();
  }
  p.expectSymbol(')');
  return JsonCallNode.create({ fn, operand, path, returning, wrapper, onEmpty, onError, span: p.spanFrom(name) });
}

/** WITHOUT [ARRAY] WRAPPER | WITH [CONDITIONAL|UNCONDITIONAL] [ARRAY] WRAPPER. */
function parseJsonWrapper(p: Parser): JsonCallNode['wrapper'] {
  let wrapper: JsonCallNode['wrapper'];
  if (p.matchKeyword('WITHOUT')) wrapper = 'WITHOUT';
  else if (p.matchKeyword('WITH')) {
    if (p.matchKeyword('CONDITIONAL')) wrapper = 'WITH CONDITIONAL';
    else {
      p.matchKeyword('UNCONDITIONAL');
      wrapper = 'WITH UNCONDITIONAL';
    }
  } else return null;
  p.matchKeyword('ARRAY');
  p.expectKeyword('WRAPPER');
  return wrapper;
}

function parseJsonBehavior(p: Parser): JsonBehaviorNode {
  const start = p.peek();
  let behavior: JsonBehaviorNode['behavior'];
  let defaultValue: Expr | null = null;
  if (p.matchKeyword('NULL')) behavior = 'NULL';
  else if (p.matchKeyword('ERROR')) behavior = 'ERROR';
  else if (p.matchKeyword('DEFAULT')) {
    behavior = 'DEFAULT';
    defaultValue = parseExpr(p);
  } else if (p.matchKeywords('EMPTY', 'ARRAY')) behavior = 'EMPTY ARRAY';
  else if (p.matchKeywords('EMPTY', 'OBJECT')) behavior = 'EMPTY OBJECT';
  else return p.unexpected("NULL, ERROR, DEFAULT <value>, EMPTY ARRAY, EMPTY OBJECT or ')'");
  return JsonBehaviorNode.create({ behavior, defaultValue, span: p.spanFrom(start) });
}
