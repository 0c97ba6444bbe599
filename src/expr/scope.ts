import type { Span } from '../errors/diagnostic.js';
import type { IdentifierNode } from '../sql/ast/identifier-node.js';
import type { MlPredictNode } from '../sql/ast/ml-predict-node.js';
import { closestMatch } from '../spi/did-you-mean.js';
import type { Column, DataType, RowField } from '../types/data-type.js';

/** One column an expression can reference: its name, the table names/aliases that qualify it, its type and row position. */
export interface ScopeColumn {
  readonly name: string;
  readonly qualifiers: readonly string[];
  readonly type: DataType;
  readonly index: number;
}

export interface ScopeOptions {
  /**
   * Stands a scalar `ML_PREDICT(...)` in for a column the planner computes in a predict stage.
   * Without it (or when it returns undefined) a scalar ML_PREDICT is a PD2211 error.
   */
  resolvePredict?(node: MlPredictNode): { index: number; type: DataType } | undefined;
}

/** A column reference resolved to its column plus the ROW fields accessed on it (`r.a.b`). */
export interface ColumnResolution {
  readonly ok: true;
  readonly column: ScopeColumn;
  readonly fields: readonly { readonly index: number; readonly type: DataType }[];
  readonly type: DataType;
}

export interface ResolutionError {
  readonly ok: false;
  readonly code: 'PD2201' | 'PD2202' | 'PD2203';
  readonly message: string;
  readonly span: Span;
}

/**
 * What column references resolve against. Names are case-sensitive as in Flink; when nothing
 * matches exactly, a unique case-insensitive match is accepted.
 */
export class Scope {
  readonly columns: readonly ScopeColumn[];
  readonly resolvePredict?: ScopeOptions['resolvePredict'];

  constructor(columns: readonly ScopeColumn[], options: ScopeOptions = {}) {
    this.columns = columns;
    if (options.resolvePredict) this.resolvePredict = options.resolvePredict;
  }

  /** A scope over one table's columns, in row order, qualified by the given names. */
  static of(columns: readonly Column[], qualifiers: readonly string[] = [], options: ScopeOptions = {}): Scope {
    return new Scope(columns.map((c, index) => ({ name: c.name, qualifiers, type: c.type, index })), options);
  }

  /** `c`, `t.c`, `db.t.c`, `c.field`, `t.c.field.sub`: a qualified match is tried before an unqualified one. */
  resolve(parts: readonly IdentifierNode[]): ColumnResolution | ResolutionError {
    const span = spanOf(parts);
    for (let k = Math.min(parts.length - 1, 3); k >= 1; k--) {
      const qualifier = parts.slice(0, k).map((p) => p.name).join('.');
      const candidates = this.columns.filter((c) => c.qualifiers.some((q) => q === qualifier || sameIgnoringCase(q, qualifier)));
      if (candidates.length === 0) continue;
      const found = pick(candidates, parts[k].name);
      if (found.length === 1) return this.accessFields(found[0], parts.slice(k + 1));
    }
    const found = pick(this.columns, parts[0].name);
    if (found.length === 1) return this.accessFields(found[0], parts.slice(1));
    if (found.length > 1) {
      const names = found.map((c) => (c.qualifiers[0] ? `${c.qualifiers[0]}.${c.name}` : c.name)).join(', ');
      return { ok: false, code: 'PD2202', message: `column '${parts[0].name}' is ambiguous: it could be ${names}`, span };
    }
    return { ok: false, code: 'PD2201', message: this.unknownMessage(parts), span };
  }

  private unknownMessage(parts: readonly IdentifierNode[]): string {
    const written = parts.map((p) => p.name).join('.');
    const names = [...new Set(this.columns.map((c) => c.name))];
    const qualified = this.columns.flatMap((c) => c.qualifiers.map((q) => `${q}.${c.name}`));
    const guess = parts.length > 1 ? (closestMatch(written, qualified) ?? closestMatch(parts[parts.length - 1].name, names)) : closestMatch(written, names);
    const hint = guess ? `; did you mean '${guess}'?` : names.length > 0 && names.length <= 8 ? `; columns in scope: ${names.join(', ')}` : '';
    return `unknown column '${written}'${hint}`;
  }

  private accessFields(column: ScopeColumn, rest: readonly IdentifierNode[]): ColumnResolution | ResolutionError {
    const fields: { index: number; type: DataType }[] = [];
    let type = column.type;
    for (const part of rest) {
      const field = resolveField(type, part);
      if (!field.ok) return field;
      fields.push(field);
      type = field.type;
    }
    return { ok: true, column, fields, type };
  }
}

/** `row.field` on a ROW-typed value: exact name first, then a unique case-insensitive match. */
export function resolveField(
  type: DataType,
  name: IdentifierNode,
): { ok: true; index: number; type: DataType } | ResolutionError {
  if (type.kind !== 'ROW') {
    return { ok: false, code: 'PD2203', message: `cannot access field '${name.name}': the value is not a ROW`, span: name.span };
  }
  const found = pick(type.fields, name.name);
  if (found.length === 1) {
    const field: RowField = found[0];
    const fieldType = type.nullable && !field.type.nullable ? { ...field.type, nullable: true } : field.type;
    return { ok: true, index: type.fields.indexOf(field), type: fieldType };
  }
  const guess = closestMatch(name.name, type.fields.map((f) => f.name));
  const hint = guess ? `; did you mean '${guess}'?` : `; fields: ${type.fields.map((f) => f.name).join(', ')}`;
  return { ok: false, code: 'PD2203', message: `ROW has no field '${name.name}'${hint}`, span: name.span };
}

/** Exact matches, or else the case-insensitive ones. */
function pick<T extends { readonly name: string }>(items: readonly T[], name: string): T[] {
  const exact = items.filter((c) => c.name === name);
  return exact.length > 0 ? exact : items.filter((c) => sameIgnoringCase(c.name, name));
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

function spanOf(parts: readonly IdentifierNode[]): Span {
  const first = parts[0].span;
  const last = parts[parts.length - 1].span;
  return { start: first.start, end: last.end, line: first.line, col: first.col };
}
