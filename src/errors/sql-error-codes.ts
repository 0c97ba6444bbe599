/** PD1xxx: tokenizer and parser. Code -> one-line meaning (docs/errors.md expands each). */
export const SQL_ERROR_CODES = {
  PD1001: 'unexpected character in the SQL text',
  PD1002: 'unterminated string literal, quoted identifier or comment',
  PD1003: 'unexpected token: the parser expected something else here',
  PD1004: 'unexpected end of input',
  PD1005: 'a statement, clause or function that predictd does not support yet',
  PD1006: 'invalid literal (number, interval, escape)',
  PD1007: 'malformed call: wrong number, order or kind of arguments (ML_PREDICT operands, MAP pairs)',
  PD1008: 'a clause, option, parameter or constraint given twice',
  PD1009: 'data type parameter out of range (length, precision or scale)',
  PD1010: 'statement not allowed here (only INSERT inside a statement set)',
  PD1011: 'model training (CREATE MODEL ... AS SELECT) is not supported: predictd only serves models that already exist',
} as const;
