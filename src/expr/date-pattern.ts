import { daysInMonth, pad, utcDate } from './temporal.js';

/**
 * Java date-time patterns (`yyyy-MM-dd HH:mm:ss.SSS`) as DATE_FORMAT, TO_TIMESTAMP, TO_DATE,
 * UNIX_TIMESTAMP and FROM_UNIXTIME take them. Letters: y M d H h m s S a E D Z X x; text in
 * '...' is literal, as is any other character. Times are UTC (the session time zone).
 */
export interface DatePattern {
  format(date: Date): string;
  /** The UTC instant the text denotes, or undefined when it does not match the pattern. */
  parse(text: string): Date | undefined;
}

type Token = { readonly letter: string; readonly count: number } | { readonly literal: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const NUMERIC = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'D']);
const cache = new Map<string, DatePattern>();

export function datePattern(pattern: string): DatePattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    if (cache.size > 256) cache.clear();
    compiled = compile(tokenize(pattern));
    cache.set(pattern, compiled);
  }
  return compiled;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const text = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      tokens.push({ literal: text === '' ? "'" : text });
      i = end < 0 ? pattern.length : end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      tokens.push({ letter: ch, count: j - i });
      i = j;
    } else {
      tokens.push({ literal: ch });
      i++;
    }
  }
  return tokens;
}

function formatToken(t: Token, d: Date): string {
  if ('literal' in t) return t.literal;
  const n = t.count;
  switch (t.letter) {
    case 'y': return n === 2 ? pad(d.getUTCFullYear() % 100) : pad(d.getUTCFullYear(), n);
    case 'M': return n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()].slice(0, 3) : pad(d.getUTCMonth() + 1, n);
    case 'd': return pad(d.getUTCDate(), n);
    case 'H': return pad(d.getUTCHours(), n);
    case 'h': return pad(d.getUTCHours() % 12 || 12, n);
    case 'm': return pad(d.getUTCMinutes(), n);
    case 's': return pad(d.getUTCSeconds(), n);
    case 'S': return `${pad(d.getUTCMilliseconds(), 3)}000000`.slice(0, n).padEnd(n, '0');
    case 'a': return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'E': return n >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()].slice(0, 3);
    case 'D': return pad(dayOfYear(d), n);
    case 'Z': return '+0000';
    case 'X': return 'Z';
    case 'x': return n >= 3 ? '+00:00' : '+00';
    default: return t.letter.repeat(n);
  }
}

function dayOfYear(d: Date): number {
  return Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 - 0.5) + 1;
}

function tokenRegex(t: Token, next: Token | undefined): string {
  if ('literal' in t) return t.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fixed = next !== undefined && 'letter' in next && NUMERIC.has(next.letter);
  const digits = (max: number): string => (fixed ? `(\\d{${t.count}})` : `(\\d{1,${Math.max(max, t.count)}})`);
  switch (t.letter) {
    case 'y': return fixed ? `(\\d{${t.count}})` : '([+-]?\\d{1,9})';
    case 'M': return t.count >= 3 ? '([A-Za-z]+)' : digits(2);
    case 'd': case 'H': case 'h': case 'm': case 's': return digits(2);
    case 'D': return digits(3);
    case 'S': return digits(9);
    case 'a': return '([AaPp][Mm])';
    case 'E': return '([A-Za-z]+)';
    case 'Z': case 'X': case 'x': return '(Z|[+-]\\d{2}(?::?\\d{2})?)';
    default: return t.letter.repeat(t.count);
  }
}

function compile(tokens: readonly Token[]): DatePattern {
  const fields = tokens.filter((t): t is { letter: string; count: number } => 'letter' in t && tokenRegex(t, undefined).startsWith('('));
  const regex = new RegExp(`^${tokens.map((t, i) => tokenRegex(t, tokens[i + 1])).join('')}$`, 'i');
  return {
    format: (date) => tokens.map((t) => formatToken(t, date)).join(''),
    parse: (text) => {
      const m = regex.exec(text.trim());
      return m ? build(fields, m.slice(1)) : undefined;
    },
  };
}

function build(fields: readonly { letter: string; count: number }[], values: readonly string[]): Date | undefined {
  let [y, mo, d, h, mi, s, ms, offset] = [1970, 1, 1, 0, 0, 0, 0, 0];
  let pm: boolean | undefined;
  let twelveHour = false;
  fields.forEach((f, i) => {
    const v = values[i];
    switch (f.letter) {
      case 'y': y = f.count === 2 ? 2000 + Number(v) : Number(v); break;
      case 'M': mo = f.count >= 3 ? MONTHS.findIndex((n) => n.toLowerCase().startsWith(v.toLowerCase().slice(0, 3))) + 1 : Number(v); break;
      case 'd': d = Number(v); break;
      case 'H': h = Number(v); break;
      case 'h': h = Number(v) % 12; twelveHour = true; break;
      case 'm': mi = Number(v); break;
      case 's': s = Number(v); break;
      case 'S': ms = Number(v.padEnd(3, '0').slice(0, 3)); break;
      case 'a': pm = v.toUpperCase() === 'PM'; break;
      case 'Z': case 'X': case 'x': offset = parseOffset(v); break;
      default: break;
    }
  });
  if (twelveHour && pm) h += 12;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(utcDate(y, mo, d, h, mi, s, ms).getTime() - offset);
}

function parseOffset(v: string): number {
  if (v.toUpperCase() === 'Z') return 0;
  const digits = v.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0')) * 60_000;
}
