import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { compileExpr, type CompiledExpr, Scope, type ScopeOptions } from '../../src/expr/index.js';
import { parseExpression } from '../../src/sql/index.js';
import type { Column, DataType, Row, Value } from '../../src/types/data-type.js';

const t = (kind: string, extra: Record<string, unknown> = {}, nullable = true): DataType => ({ kind, nullable, ...extra }) as DataType;

/** The columns the expression tests run against, qualified by `o` (orders). */
export const COLUMNS: readonly Column[] = [
  { name: 'id', type: t('INT', {}, false) },
  { name: 'n', type: t('INT') },
  { name: 'qty', type: t('BIGINT') },
  { name: 'amount', type: t('DOUBLE') },
  { name: 'price', type: t('DECIMAL', { precision: 10, scale: 2 }) },
  { name: 'name', type: t('STRING') },
  { name: 's', type: t('STRING') },
  { name: 'code', type: t('VARCHAR', { length: 10 }) },
  { name: 'flag', type: t('BOOLEAN') },
  { name: 'other', type: t('BOOLEAN') },
  { name: 'response', type: t('STRING') },
  { name: 'ts', type: t('TIMESTAMP', { precision: 3 }) },
  { name: 'ltz', type: t('TIMESTAMP_LTZ', { precision: 3 }) },
  { name: 'd', type: t('DATE') },
  { name: 'tm', type: t('TIME', { precision: 0 }) },
  { name: 'tags', type: t('ARRAY', { element: t('STRING') }) },
  { name: 'emb', type: t('ARRAY', { element: t('FLOAT') }) },
  { name: 'attrs', type: t('MAP', { key: t('STRING'), value: t('INT') }) },
  { name: 'r', type: t('ROW', { fields: [{ name: 'a', type: t('INT') }, { name: 'inner', type: t('ROW', { fields: [{ name: 'c', type: t('STRING') }] }) }] }) },
  { name: 'bin', type: t('BYTES') },
  { name: 'Mixed', type: t('STRING') },
];

export const scope = (options: ScopeOptions = {}): Scope => Scope.of(COLUMNS, ['o', 'orders'], options);

export function compile(sql: string, options: ScopeOptions = {}): { compiled: CompiledExpr | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const compiled = compileExpr(parseExpression(sql), scope(options), diagnostics);
  return { compiled, diagnostics };
}

/** Compiles `sql` (failing the test on any diagnostic) and returns the evaluator. */
export function compileOk(sql: string, options: ScopeOptions = {}): CompiledExpr {
  const { compiled, diagnostics } = compile(sql, options);
  if (!compiled || diagnostics.length > 0) {
    throw new Error(`${sql}: ${diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  }
  return compiled;
}

export function row(values: Partial<Record<string, Value>> = {}): Row {
  return COLUMNS.map((c) => values[c.name] ?? null);
}

/** Compiles and evaluates `sql` against one row given by column name (missing columns are NULL). */
export function run(sql: string, values: Partial<Record<string, Value>> = {}): Value {
  return compileOk(sql).evaluate(row(values));
}

/** The first diagnostic's code, line, col and message. */
export function firstProblem(sql: string): { code: string; line: number; col: number; message: string } {
  const { diagnostics } = compile(sql);
  const d = diagnostics[0];
  if (!d) throw new Error(`${sql}: expected a diagnostic`);
  return { code: d.code, line: d.span.line, col: d.span.col, message: d.message };
}

/** The error a row evaluation throws (or undefined). */
export function rowError(sql: string, values: Partial<Record<string, Value>> = {}): { code?: string; message: string } | undefined {
  const compiled = compileOk(sql);
  try {
    compiled.evaluate(row(values));
    return undefined;
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}
