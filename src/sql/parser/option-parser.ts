import { OptionNode } from '../ast/option-node.js';
import type { StringLiteralNode } from '../ast/string-literal-node.js';
import type { Parser } from './parser.js';

/** `( 'key' = 'value', ... )`, as after WITH or ALTER MODEL ... SET. Keys must be unique. */
export function parseOptionList(p: Parser): OptionNode[] {
  const options = p.parseParenList(() => parseOption(p));
  rejectDuplicateKeys(p, options.map((option) => option.key));
  return options;
}

/** `( 'key', ... )`, as after ALTER MODEL ... RESET. */
export function parseOptionKeyList(p: Parser): StringLiteralNode[] {
  const keys = p.parseParenList(() => p.parseStringLiteral('an option key (a string literal)'));
  rejectDuplicateKeys(p, keys);
  return keys;
}

function parseOption(p: Parser): OptionNode {
  const key = p.parseStringLiteral('an option key (a string literal)');
  p.expectSymbol('=');
  const value = p.parseStringLiteral('an option value (a string literal)');
  return OptionNode.create({ key, value, span: p.spanFrom(key.span) });
}

function rejectDuplicateKeys(p: Parser, keys: readonly StringLiteralNode[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.value)) p.raiseError('PD1008', `option '${key.value}' is given twice`, key.span);
    seen.add(key.value);
  }
}

/** `[COMMENT 'text']`. */
export function parseOptionalComment(p: Parser): string | null {
  return p.matchKeyword('COMMENT') ? p.parseStringLiteral('a comment string').value : null;
}
