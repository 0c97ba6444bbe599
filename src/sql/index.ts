/**
 * The SQL front end: tokenizer -> parser -> AST -> printer. Pure: no I/O, no runtime imports.
 * The catalog and planner build on the AST exported here.
 */
export * from './ast/index.js';
export { tokenize, type TokenizeResult } from './tokenizer.js';
export type { Comment, Token, TokenKind } from './token.js';
export { RESERVED_WORDS, isReservedWord, needsQuoting } from './keywords.js';
export { PRECEDENCE, BINARY_PRECEDENCE } from './precedence.js';
export { parseScript, parseScriptOrThrow, parseExpression, type ParseScriptResult } from './parser/parse-script.js';
export { TABLE_FUNCTIONS, type TableFunctionEntry, type TableFunctionPosition } from './parser/table-functions.js';
export { STATEMENT_PARSERS, CREATE_PARSERS } from './parser/statement-parsers.js';
export { printStatement, printScript } from './printer/print-statement.js';
export { printExpr, printMlPredict } from './printer/print-expr.js';
export { printQuery, printTableRef } from './printer/print-query.js';
export { printDataType } from './printer/print-data-type.js';
export { printIdentifier, printQualifiedName, printString } from './printer/print-identifier.js';
export { stripSpans, sameAst, type WithoutSpans } from './printer/strip-spans.js';
