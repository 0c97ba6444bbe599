import type { IntervalLiteralNode } from '../sql/ast/interval-literal-node.js';
import type { IntervalUnit } from '../sql/ast/interval-unit.js';
import type { NumberLiteralNode } from '../sql/ast/number-literal-node.js';
import type { TemporalLiteralNode } from '../sql/ast/temporal-literal-node.js';
import { assertNever } from '../types/data-type.js';
import { type Compiled, type CompileContext, constantExpr } from './compiled-expr.js';
import { MAX_DECIMAL_PRECISION, T } from './types.js';
import { formatTimeValue, parseTimeMs, utcDate, daysInMonth } from './temporal.js';

const INT_MAX = 2147483647n;
const BIGINT_MAX = 9223372036854775807n;

/** `42` is INT, `3000000000` BIGINT, longer integers DECIMAL(p, 0), `1.50` DECIMAL(3, 2), `1e3` DOUBLE. */
export function compileNumber(node: NumberLiteralNode, ctx: CompileContext): Compiled | undefined {
  const text = node.value;
  if (/[eE]/.test(text)) return constantExpr(T.double(false), Number(text));
  if (/^\d+$/.test(text)) {
    const big = BigInt(text);
    if (big <= INT_MAX) return constantExpr(T.int(false), Number(big));
    if (big <= BIGINT_MAX) return constantExpr(T.bigint(false), Number(big));
    const digits = big.toString().length;
    if (digits <= MAX_DECIMAL_PRECISION) return constantExpr(T.decimal(digits, 0, false), Number(big));
    return ctx.error('PD2209', `number literal ${text} has more than ${MAX_DECIMAL_PRECISION} digits`, node.span);
  }
  const m = /^(\d*)\.(\d*)$/.exec(text);
  if (!m) return ctx.error('PD2209', `invalid number literal '${text}'`, node.span);
  const scale = m[2].length;
  const unscaled = (m[1] + m[2]).replace(/^0+/, '');
  const precision = Math.max(unscaled.length, scale, 1);
  if (precision > MAX_DECIMAL_PRECISION) {
    return ctx.error('PD2209', `number literal ${text} has more than ${MAX_DECIMAL_PRECISION} digits`, node.span);
  }
  return constantExpr(T.decimal(precision, scale, false), Number(text));
}

const DATE_LITERAL = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_LITERAL = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const TIMESTAMP_LITERAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** `DATE '2024-01-31'`, `TIME '12:00:00[.f]'`, `TIMESTAMP '2024-01-31 12:00:00[.f]'`: the precision is the fraction's digits. */
export function compileTemporal(node: TemporalLiteralNode, ctx: CompileContext): Compiled | undefined {
  const text = node.value.trim();
  const bad = (): undefined => ctx.error('PD2209', `invalid ${node.type} literal '${node.value}'`, node.span);
  switch (node.type) {
    case 'DATE': {
      const m = DATE_LITERAL.exec(text);
      if (!m || !validYmd(m)) return bad();
      return constantExpr(T.date(false), text);
    }
    case 'TIME': {
      const m = TIME_LITERAL.exec(text);
      const ms = m ? parseTimeMs(text) : undefined;
      if (!m || ms === undefined) return bad();
      const precision = m[4]?.length ?? 0;
      return constantExpr(T.time(precision, false), formatTimeValue(ms, precision));
    }
    case 'TIMESTAMP': {
      const m = TIMESTAMP_LITERAL.exec(text);
      if (!m || !validYmd(m) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return bad();
      const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
      const date = utcDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
      return constantExpr(T.timestamp(m[7]?.length ?? 0, false), date);
    }
    default:
      return assertNever(node.type, 'temporal literal');
  }
}

function validYmd(m: RegExpExecArray): boolean {
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

const YEAR_MONTH: readonly IntervalUnit[] = ['YEAR', 'MONTH'];
const DAY_TIME: readonly IntervalUnit[] = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
const UNIT_MS: Readonly<Record<IntervalUnit, number>> = { YEAR: 12, MONTH: 1, DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 };

/**
 * `INTERVAL '5' SECOND` -> 5000 (milliseconds, marked DAY_TIME); `INTERVAL '1-2' YEAR TO MONTH` -> 14
 * (months, marked YEAR_MONTH). Fields after the first are separated as SQL writes them: 'd h:m:s.f', 'y-m'.
 */
export function compileInterval(node: IntervalLiteralNode, ctx: CompileContext): Compiled | undefined {
  const family = YEAR_MONTH.includes(node.unit) ? YEAR_MONTH : DAY_TIME;
  const from = family.indexOf(node.unit);
  const to = node.toUnit ? family.indexOf(node.toUnit) : from;
  if (to < from) return ctx.error('PD2209', `invalid interval qualifier ${node.unit} TO ${node.toUnit}`, node.span);
  const units = family.slice(from, to + 1);
  const pattern = units.map((u, i) => (i === 0 ? '' : u === 'HOUR' ? ' ' : u === 'MONTH' ? '-' : ':') + '(\\d+)').join('');
  const fraction = units[units.length - 1] === 'SECOND' ? '(?:\\.(\\d{1,9}))?' : '';
  const m = new RegExp(`^([+-])?${pattern}${fraction}$`).exec(node.value.trim());
  const qualifier = node.toUnit ? `${node.unit} TO ${node.toUnit}` : node.unit;
  if (!m) return ctx.error('PD2209', `invalid interval literal '${node.value}' for ${qualifier}`, node.span);
  let total = units.reduce((sum, u, i) => sum + Number(m[i + 2]) * UNIT_MS[u], 0);
  const frac = m[units.length + 2];
  if (frac) total += Number(frac.padEnd(3, '0').slice(0, 3));
  if (m[1] === '-') total = -total;
  return family === YEAR_MONTH
    ? constantExpr(T.int(false), total, 'YEAR_MONTH')
    : constantExpr(T.bigint(false), total, 'DAY_TIME');
}
