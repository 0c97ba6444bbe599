import type { Logger } from '../spi/logger.js';

/**
 * Flink drops a NULL input without calling the API; so do the clients, with a warning on the
 * first. Returns what a client calls for each NULL input.
 */
export function nullInputWarning(log: Logger): () => void {
  let nullInputs = 0;
  return () => {
    nullInputs++;
    if (nullInputs === 1) log.warn('NULL model input: the row is dropped without calling the API (logged once)');
  };
}
