import { parseDuration } from '../spi/duration.js';

/**
 * `client-timeout`: a bare number is seconds, as Confluent's `<provider>.client_timeout`; with a
 * unit it is a Flink duration ('500ms', '2 min'). Returns milliseconds or a problem.
 */
export function parseClientTimeout(text: string | undefined, fallbackMs: number): number | { readonly problem: string } {
  if (text === undefined) return fallbackMs;
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const ms = bare ? Math.round(Number(bare[1]) * 1000) : parseDuration(text);
  if (ms === undefined || ms <= 0) return { problem: `option 'client-timeout' expects seconds or a duration such as '30s', got '${text}'` };
  return ms;
}
