/**
 * DATE, TIME and TIMESTAMP values as the runtime holds them: DATE is 'YYYY-MM-DD', TIME is
 * 'HH:MM:SS[.fff]', TIMESTAMP is a Date read as UTC wall-clock time and TIMESTAMP_LTZ is a
 * Date instant. The session time zone is UTC, so converting between the two timestamps keeps
 * the epoch milliseconds.
 */

export const MS_PER_DAY = 86_400_000;

const DATE_TEXT = /^([+-]?\d{1,6})-(\d{1,2})-(\d{1,2})$/;
const TIME_TEXT = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?$/;
const TIMESTAMP_TEXT = /^([+-]?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?(Z)?$/;

export function pad(n: number, width = 2): string {
  const text = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${text}` : text;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** A DATE value from text: 'yyyy-M-d', optionally followed by a time part that is ignored. */
export function parseDate(text: string): string | undefined {
  const trimmed = text.trim();
  const cut = trimmed.search(/[ T]/);
  const m = DATE_TEXT.exec(cut < 0 ? trimmed : trimmed.slice(0, cut));
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? formatYmd(y, mo, d) : undefined;
}

export function formatYmd(y: number, m: number, d: number): string {
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 6);
  return `${year}-${pad(m)}-${pad(d)}`;
}

/** Milliseconds of the day from 'H:m[:s[.f]]', or undefined. */
export function parseTimeMs(text: string): number | undefined {
  const m = TIME_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ((h * 60 + mi) * 60 + s) * 1000 + fractionMs(m[4]);
}

function fractionMs(digits: string | undefined): number {
  return Number((digits ?? '').padEnd(3, '0').slice(0, 3));
}

/** A TIME value: 'HH:MM:SS', plus milliseconds when non-zero and the precision keeps them. */
export function formatTimeValue(msOfDay: number, precision = 3): string {
  const ms = ((msOfDay % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const kept = precision >= 3 ? ms % 1000 : Math.floor((ms % 1000) / 10 ** (3 - precision)) * 10 ** (3 - precision);
  const s = Math.floor(ms / 1000);
  const base = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  return kept === 0 ? base : `${base}.${pad(kept, 3).replace(/0+$/, '')}`;
}

/** A TIMESTAMP from 'yyyy-M-d[( |T)H:m[:s[.f]]][Z]'; the fraction beyond milliseconds is dropped. */
export function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? '0')) as [number, number, number, number, number, number];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  return utcDate(y, mo, d, h, mi, s, fractionMs(m[7]));
}

export function utcDate(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date;
}

/**
 * Flink's CAST(TIMESTAMP(p) AS STRING): 'yyyy-MM-dd HH:mm:ss' and a fraction of exactly
 * `precision` digits.
 */
export function formatTimestamp(date: Date, precision: number): string {
  const day = formatYmd(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${day} ${time}${fraction(date.getUTCMilliseconds(), precision)}`;
}

/** The same rule for TIME(p) text. */
export function formatTimeText(msOfDay: number, precision: number): string {
  return formatTimeValue(msOfDay - (msOfDay % 1000), 0) + fraction(msOfDay % 1000, precision);
}

/** Exactly `precision` fraction digits: a TIMESTAMP(p) value never has more. */
function fraction(ms: number, precision: number): string {
  return precision > 0 ? `.${`${pad(ms, 3)}000000`.slice(0, Math.min(precision, 9))}` : '';
}

export function dateToEpochDay(date: string): number {
  const m = DATE_TEXT.exec(date);
  if (!m) return NaN;
  return Math.round(utcDate(Number(m[1]), Number(m[2]), Number(m[3])).getTime() / MS_PER_DAY);
}

export function epochDayToDate(day: number): string {
  const d = new Date(day * MS_PER_DAY);
  return formatYmd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function dateToTimestamp(date: string): Date {
  return new Date(dateToEpochDay(date) * MS_PER_DAY);
}

export function timestampToDate(ts: Date): string {
  return formatYmd(ts.getUTCFullYear(), ts.getUTCMonth() + 1, ts.getUTCDate());
}

export function msOfDay(ts: Date): number {
  return ((ts.getTime() % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}

export function timestampToTime(ts: Date): string {
  return formatTimeValue(msOfDay(ts));
}

/** Adds months as Java's LocalDateTime.plusMonths: the day is clamped to the end of the month. */
export function addMonths(ts: Date, months: number): Date {
  const total = ts.getUTCFullYear() * 12 + ts.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  const d = Math.min(ts.getUTCDate(), daysInMonth(y, m));
  return utcDate(y, m, d, ts.getUTCHours(), ts.getUTCMinutes(), ts.getUTCSeconds(), ts.getUTCMilliseconds());
}
