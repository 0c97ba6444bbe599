import { CATALOG_ERROR_CODES } from './catalog-error-codes.js';
import { RUNTIME_ERROR_CODES } from './runtime-error-codes.js';
import { SQL_ERROR_CODES } from './sql-error-codes.js';
import { DAEMON_ERROR_CODES } from './daemon-error-codes.js';
import { PROVIDER_ERROR_CODES } from './provider-error-codes.js';
import { CONNECTOR_ERROR_CODES } from './connector-error-codes.js';
import { EXPR_ERROR_CODES } from './expr-error-codes.js';
import { TOOL_ERROR_CODES } from './tool-error-codes.js';

/**
 * Every error predictd reports carries one of these stable codes. docs/errors.md lists
 * each code with its meaning; a test keeps the two in step.
 *
 * Families: PD1xxx tokenizer and parser, PD2xxx catalog, type and plan checks (PD22xx expressions),
 * PD41xx runtime, PD42xx providers, PD43xx connectors and formats, PD44xx row evaluation, PD5xxx daemon, configuration and CLI
 * (PD51xx the job-file tools: test and fmt).
 */
export const ERROR_CODES = {
  ...SQL_ERROR_CODES,
  ...CATALOG_ERROR_CODES,
  ...EXPR_ERROR_CODES,
  ...RUNTIME_ERROR_CODES,
  ...PROVIDER_ERROR_CODES,
  ...CONNECTOR_ERROR_CODES,
  ...DAEMON_ERROR_CODES,
  ...TOOL_ERROR_CODES,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
