import pino from 'pino';
import type { Logger } from '../spi/logger.js';
import type { SecretScrubber } from './secret-scrubber.js';

export interface LoggerOptions {
  readonly level: string;
  readonly scrubber: SecretScrubber;
  /**
   * The option keys that hold credentials: the daemon passes `secretOptionKeys` of its registry
   * (catalog/secret-options.ts), the one rule, so a logged options map shows them as '***'.
   */
  readonly secretKeys: Iterable<string>;
  /** Where JSON lines go; stdout by default. */
  readonly write?: (line: string) => void;
}

const CENSOR = '***';
/** How deep in a logged object a secret key is still found: `{ model: { options: { 'api-key': ... } } }` is 3. */
const REDACT_DEPTH = 3;

/**
 * pino, JSON lines, with two layers against leaking credentials: the values of secret options
 * (as the specs declare them, aliases and format prefixes included) are censored in logged
 * objects and child bindings, and every secret value the daemon has seen is scrubbed from the
 * finished line (which also covers error messages and stack traces). Nothing goes by the look of
 * a key name.
 *
 * The censoring is a formatter, not pino's `redact`: its wildcard paths for the ~40 secret keys
 * cost about 0.6 ms a line; one walk of the logged object with a Set lookup per key costs
 * next to nothing and copies only an object that holds a secret.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const destination = { write: (line: string) => write(opts.scrubber.scrub(line)) };
  const keys: ReadonlySet<string> = new Set(opts.secretKeys);
  const redact = (obj: Record<string, unknown>) => censorSecrets(obj, keys, REDACT_DEPTH) as Record<string, unknown>;
  const root = pino(
    {
      level: opts.level,
      base: { service: 'predictd' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: redact },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
  // pino gives child bindings no formatter; every child (and its children, which inherit this
  // property) censors its bindings on the way in.
  const child = root.child;
  root.child = function (this: typeof root, bindings, options) {
    return child.call(this, redact(bindings), options);
  } as typeof root.child;
  return root as unknown as Logger;
}

/**
 * `value` with the value of every key in `keys` replaced by '***', in plain objects and arrays
 * down to `depth` levels; the same object when nothing was censored (never mutated).
 */
export function censorSecrets(value: unknown, keys: ReadonlySet<string>, depth: number): unknown {
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = censorSecrets(item, keys, depth - 1);
      if (next !== item) (out ??= [...value])[i] = next;
    });
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const next = keys.has(k) && v !== undefined ? CENSOR : censorSecrets(v, keys, depth - 1);
    if (next !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = next;
  }
  return out ?? value;
}
