import type { Expr } from '../ast/expr.js';
import { IntervalLiteralNode } from '../ast/interval-literal-node.js';
import type { IntervalUnit } from '../ast/interval-unit.js';
import { TemporalLiteralNode } from '../ast/temporal-literal-node.js';
import type { Token } from '../token.js';
import type { Parser } from './parser.js';

const DATE = String.raw`\d{4}-\d{1,2}-\d{1,2}`;
const TIME = String.raw`\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,9})?)?`;

const TEMPORAL_FORMATS: Readonly<Record<TemporalLiteralNode['type'], { re: RegExp; example: string }>> = {
  DATE: { re: new RegExp(`^${DATE}$`), example: "'2024-01-31'" },
  TIME: { re: new RegExp(`^${TIME}$`), example: "'12:30:00'" },
  TIMESTAMP: { re: new RegExp(`^${DATE}[ T]${TIME}$`), example: "'2024-01-31 12:30:00.000'" },
};

/** `DATE '...'`, `TIME '...'`, `TIMESTAMP '...'`; `start` is the consumed keyword. */
export function parseTemporalLiteral(p: Parser, start: Token, type: TemporalLiteralNode['type']): Expr {
  const value = p.parseStringLiteral();
  const format = TEMPORAL_FORMATS[type];
  if (!format.re.test(value.value.trim())) {
    p.raiseError('PD1006', `invalid ${type} literal '${value.value}': expected ${type} ${format.example}`, value.span);
  }
  return TemporalLiteralNode.create({ type, value: value.value, span: p.spanFrom(start) });
}

/** Singular and plural unit names (Flink accepts `INTERVAL '10' MINUTES`). */
const INTERVAL_UNITS: Readonly<Record<string, IntervalUnit>> = {
  YEAR: 'YEAR',
  YEARS: 'YEAR',
  MONTH: 'MONTH',
  MONTHS: 'MONTH',
  DAY: 'DAY',
  DAYS: 'DAY',
  HOUR: 'HOUR',
  HOURS: 'HOUR',
  MINUTE: 'MINUTE',
  MINUTES: 'MINUTE',
  SECOND: 'SECOND',
  SECONDS: 'SECOND',
};

const SIGN = '^[+-]?';
const SECONDS = String.raw`\d+(\.\d+)?`;

/** The value format of each qualifier (`DAY TO SECOND` -> '1 02:03:04.5'). */
const INTERVAL_FORMATS: Readonly<Record<string, RegExp>> = {
  YEAR: new RegExp(`${SIGN}\\d+$`),
  MONTH: new RegExp(`${SIGN}\\d+$`),
  DAY: new RegExp(`${SIGN}\\d+$`),
  HOUR: new RegExp(`${SIGN}\\d+$`),
  MINUTE: new RegExp(`${SIGN}\\d+$`),
  SECOND: new RegExp(`${SIGN}${SECONDS}$`),
  'YEAR TO MONTH': new RegExp(`${SIGN}\\d+-\\d+$`),
  'DAY TO HOUR': new RegExp(`${SIGN}\\d+ \\d+$`),
  'DAY TO MINUTE': new RegExp(`${SIGN}\\d+ \\d+:\\d+$`),
  'DAY TO SECOND': new RegExp(`${SIGN}\\d+ \\d+:\\d+:${SECONDS}$`),
  'HOUR TO MINUTE': new RegExp(`${SIGN}\\d+:\\d+$`),
  'HOUR TO SECOND': new RegExp(`${SIGN}\\d+:\\d+:${SECONDS}$`),
  'MINUTE TO SECOND': new RegExp(`${SIGN}\\d+:${SECONDS}$`),
};

/** `INTERVAL '5' SECOND`, `INTERVAL 5 SECONDS`, `INTERVAL '1-6' YEAR TO MONTH`. */
export function parseIntervalLiteral(p: Parser, start: Token): Expr {
  const valueToken = p.advance();
  const value = valueToken.value;
  const unit = parseIntervalUnit(p);
  const toUnit = p.matchKeyword('TO') ? parseIntervalUnit(p) : null;
  const qualifier = toUnit ? `${unit} TO ${toUnit}` : unit;
  const format = INTERVAL_FORMATS[qualifier];
  if (!format) p.raiseError('PD1006', `invalid interval qualifier ${qualifier}`, p.spanFrom(start));
  if (!format.test(value.trim())) {
    p.raiseError('PD1006', `invalid INTERVAL value '${value}' for ${qualifier}`, valueToken);
  }
  return IntervalLiteralNode.create({ value, unit, toUnit, span: p.spanFrom(start) });
}

function parseIntervalUnit(p: Parser): IntervalUnit {
  const unit = INTERVAL_UNITS[p.peek().keyword];
  if (!unit) p.unexpected('an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)');
  p.advance();
  return unit;
}
