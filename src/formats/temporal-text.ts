/**
 * Text forms of DATE, TIME and TIMESTAMP values as Flink's JSON and CSV formats read and write
 * them. TIMESTAMP (without time zone) values are Dates read as UTC wall-clock time, so a
 * timestamp written and read back is the same text whatever the daemon's time zone.
 */

/** `json.timestamp-format.standard`: SQL is `yyyy-MM-dd HH:mm:ss.fff`, ISO-8601 is `yyyy-MM-ddTHH:mm:ss.fff`. */
export type TimestampStandard = 'SQL' | 'ISO-8601';

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const SQL_TS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z)?$/;
const ISO_TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z)?$/;

/** 'YYYY-MM-DD', or undefined when the text is not a valid calendar date. */
export function parseDateText(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return undefined;
  return `${m[1]}-${pad2(mo)}-${pad2(d)}`;
}

/** 'HH:MM:SS' or 'HH:MM:SS.fff' (milliseconds at most), or undefined when invalid. */
export function parseTimeText(text: string, precision: number): string | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const digits = Math.min(precision, 3);
  const frac = (m[4] ?? '').padEnd(digits, '0').slice(0, digits);
  return `${pad2(h)}:${pad2(mi)}:${pad2(s)}${digits > 0 && Number(frac) > 0 ? `.${frac}` : ''}`;
}

/**
 * A timestamp in the given standard. `zoned` is TIMESTAMP_LTZ, whose text ends in 'Z'
 * (Flink's `yyyy-MM-dd HH:mm:ss.fffZ`); plain TIMESTAMP has no zone.
 */
export function parseTimestampText(text: string, standard: TimestampStandard, zoned: boolean): Date | undefined {
  const m = (standard === 'SQL' ? SQL_TS : ISO_TS).exec(text.trim());
  if (!m || (m[8] === 'Z') !== zoned) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? '0')) as [number, number, number, number, number, number];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date;
}

/**
 * Flink's formatter (ISO_LOCAL_DATE + ISO_LOCAL_TIME): seconds always, the fraction only
 * when non-zero and without trailing zeros; 'Z' appended for TIMESTAMP_LTZ.
 */
export function formatTimestampText(date: Date, standard: TimestampStandard, zoned: boolean): string {
  const y = date.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : (y < 0 ? '-' : '+') + String(Math.abs(y)).padStart(6, '0');
  const day = `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  const ms = date.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}${frac}`;
  return `${day}${standard === 'SQL' ? ' ' : 'T'}${time}${zoned ? 'Z' : ''}`;
}

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : days);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
