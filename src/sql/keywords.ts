/**
 * Words that can never be unquoted identifiers. The list is short on purpose: Flink users
 * name columns `input`, `text`, `timestamp`, `key`, `value`, `model`..., so only words that
 * would make a clause or an expression ambiguous are reserved.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'ALL', 'ALTER', 'AND', 'AS', 'BETWEEN', 'BY', 'CASE', 'CREATE', 'CROSS', 'DISTINCT', 'DROP', 'ELSE',
  'END', 'ESCAPE', 'EXCEPT', 'EXISTS', 'FALSE', 'FETCH', 'FOR', 'FROM', 'FULL', 'GROUP', 'HAVING',
  'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'LATERAL', 'LEFT', 'LIKE', 'LIMIT',
  'MATCH_RECOGNIZE', 'MINUS', 'NATURAL', 'NOT', 'NULL', 'ON', 'OR', 'ORDER', 'OVER', 'QUALIFY', 'RIGHT',
  'SELECT', 'TABLE', 'TABLESAMPLE', 'THEN', 'TRUE', 'UNION', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/** Words that start an expression form (`MAP[...]`, `CURRENT_DATE`): quoted when printed as names. */
const EXPRESSION_WORDS: ReadonlySet<string> = new Set([
  'ARRAY', 'MAP', 'ROW', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP',
  'UNKNOWN',
]);

const PLAIN_IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_$]*$/u;
/** Confluent's unquoted object names such as `bedrock-cli-connection`. */
const HYPHENATED_NAME = /^[\p{L}_][\p{L}\p{N}_$]*(-([\p{L}_][\p{L}\p{N}_$]*|\p{N}+))+$/u;

export function isReservedWord(word: string): boolean {
  return RESERVED_WORDS.has(word.toUpperCase());
}

/** True when `name` must be back-quoted to read back as the same identifier. */
export function needsQuoting(name: string, objectName = false): boolean {
  const upper = name.toUpperCase();
  if (RESERVED_WORDS.has(upper) || EXPRESSION_WORDS.has(upper)) return true;
  if (PLAIN_IDENTIFIER.test(name)) return false;
  return !(objectName && HYPHENATED_NAME.test(name));
}
