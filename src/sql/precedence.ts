import type { BinaryOperator } from './ast/binary-operator.js';

/**
 * Binding powers, after Calcite's operator table (which Flink uses): a higher number binds
 * tighter. The parser and the printer share them, so printed SQL re-parses to the same tree.
 */
export const PRECEDENCE = {
  OR: 22,
  AND: 24,
  NOT: 26,
  IS: 28,
  COMPARISON: 30,
  /** LIKE, IN, BETWEEN */
  PREDICATE: 32,
  ADDITIVE: 40,
  /** `*`, `/`, `%` and `||` */
  MULTIPLICATIVE: 60,
  UNARY: 80,
  /** `.field`, `[index]` and every primary expression */
  POSTFIX: 100,
} as const;

export const BINARY_PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  OR: PRECEDENCE.OR,
  AND: PRECEDENCE.AND,
  '=': PRECEDENCE.COMPARISON,
  '<>': PRECEDENCE.COMPARISON,
  '<': PRECEDENCE.COMPARISON,
  '<=': PRECEDENCE.COMPARISON,
  '>': PRECEDENCE.COMPARISON,
  '>=': PRECEDENCE.COMPARISON,
  '+': PRECEDENCE.ADDITIVE,
  '-': PRECEDENCE.ADDITIVE,
  '*': PRECEDENCE.MULTIPLICATIVE,
  '/': PRECEDENCE.MULTIPLICATIVE,
  '%': PRECEDENCE.MULTIPLICATIVE,
  '||': PRECEDENCE.MULTIPLICATIVE,
};
