/** The part of a Headers object the parser needs (fetch Headers, or a plain lookup in tests). */
export interface HeaderLookup {
  get(name: string): string | null;
}

/**
 * The server's requested delay, the way the OpenAI SDKs read it: `retry-after-ms` first
 * (Azure and newer OpenAI responses), then `retry-after` as seconds (fractions allowed) or an
 * HTTP date. Undefined when absent or unparsable; never negative.
 */
export function parseRetryAfter(headers: HeaderLookup | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = parseNumber(headers.get('retry-after-ms'));
  if (ms !== undefined) return Math.max(0, ms);
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = parseNumber(raw);
  if (seconds !== undefined) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseNumber(text: string | null | undefined): number | undefined {
  if (text == null || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}
