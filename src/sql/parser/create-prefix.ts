import type { Token } from '../token.js';

/** What came between CREATE and the object kind: `CREATE [OR REPLACE] [TEMPORARY] <kind>`. */
export interface CreatePrefix {
  readonly start: Token;
  readonly orReplace: Token | null;
  readonly temporary: Token | null;
}
