import { COLLECTION_FUNCTIONS } from './functions/collection-functions.js';
import { CONDITIONAL_FUNCTIONS } from './functions/conditional-functions.js';
import type { FunctionDef } from './functions/function-def.js';
import { JSON_FUNCTIONS } from './functions/json-functions.js';
import { MATH_FUNCTIONS } from './functions/math-functions.js';
import { MISC_FUNCTIONS } from './functions/misc-functions.js';
import { STRING_FUNCTIONS } from './functions/string-functions.js';
import { TEMPORAL_FUNCTIONS } from './functions/temporal-functions.js';

/**
 * Every scalar function, keyed by upper-case name. One family per file; adding a function is
 * adding one entry there. docs/functions.md lists them all (a test keeps the two in step).
 */
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = Object.freeze({
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...CONDITIONAL_FUNCTIONS,
  ...TEMPORAL_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...MISC_FUNCTIONS,
});
