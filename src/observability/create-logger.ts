import pino from 'pino';
import type { Logger } from '../spi/logger.js';
import type { SecretScrubber } from './secret-scrubber.js';

export interface LoggerOptions {
  readonly level: string;
  readonly scrubber: SecretScrubber;
  /** Where JSON lines go; stdout by default. */
  readonly write?: (line: string) => void;
}

/** Key names whose values never reach a log line, wherever they sit in a logged object. */
const REDACT = ['api-key', 'apiKey', 'api_key', 'password', 'secret', 'authorization', 'aws_secret_access_key', 'service_key', 'token'];

/**
 * pino, JSON lines, with two layers against leaking credentials: known secret key names are
 * redacted in logged objects, and every known secret value is scrubbed from the finished line
 * (which also covers error messages and stack traces).
 */
export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const destination = { write: (line: string) => write(opts.scrubber.scrub(line)) };
  return pino(
    {
      level: opts.level,
      base: { service: 'predictd' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT.flatMap((k) => [`["${k}"]`, `*["${k}"]`, `*.*["${k}"]`]), censor: '***' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  ) as unknown as Logger;
}
