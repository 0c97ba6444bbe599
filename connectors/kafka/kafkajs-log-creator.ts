import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../../src/spi/logger.js';

/**
 * Routes kafkajs' own log lines to the job's logger. kafkajs logs every pause, resume and
 * group join at INFO, which backpressure makes frequent, so its INFO becomes debug here.
 */
export function kafkajsLogCreator(log: Logger): logCreator {
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry;
      const obj = { kafkajs: namespace, ...rest };
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          log.error(obj, `kafkajs: ${message}`);
          return;
        case logLevel.WARN:
          log.warn(obj, `kafkajs: ${message}`);
          return;
        default:
          log.debug(obj, `kafkajs: ${message}`);
      }
    };
}
