import { assertNever } from '../../types/data-type.js';
import type { AliasNode } from '../ast/alias-node.js';
import type { Query } from '../ast/query.js';
import type { SelectListItem } from '../ast/select-list-item.js';
import type { SelectNode } from '../ast/select-node.js';
import type { TableFunctionCall } from '../ast/table-function-call.js';
import type { TableRef } from '../ast/table-ref.js';
import type { VectorSearchNode } from '../ast/vector-search-node.js';
import { printExpr, printMlPredict } from './print-expr.js';
import { printIdentifier, printQualifiedName } from './print-identifier.js';

const INDENT = '  ';
/** A select list longer than this prints one item per line. */
const MAX_INLINE_SELECT_LIST = 80;

/** A query, one clause per line; `indent` prefixes every line after the first. */
export function printQuery(query: Query, indent = ''): string {
  switch (query.kind) {
    case 'SelectNode':
      return printSelect(query, indent);
    case 'ValuesNode': {
      const rows = query.rows.map((row) => `(${row.values.map(printExpr).join(', ')})`);
      return `VALUES\n${indent}${INDENT}${rows.join(`,\n${indent}${INDENT}`)}`;
    }
    case 'UnionAllNode':
      return query.inputs
        .map((input) => (input.kind === 'UnionAllNode' ? `(${printQuery(input, indent)})` : printQuery(input, indent)))
        .join(`\n${indent}UNION ALL\n${indent}`);
    default:
      return assertNever(query, 'query');
  }
}

function printSelect(select: SelectNode, indent: string): string {
  const items = select.items.map(printSelectListItem);
  const inline = items.join(', ');
  const list = inline.length <= MAX_INLINE_SELECT_LIST ? ` ${inline}` : `\n${indent}${INDENT}${items.join(`,\n${indent}${INDENT}`)}`;
  const lines = [`SELECT${select.distinct ? ' DISTINCT' : ''}${list}`];
  if (select.from.length > 0) lines.push(`FROM ${printFromList(select.from, indent)}`);
  if (select.where) lines.push(`WHERE ${printExpr(select.where)}`);
  return lines.join(`\n${indent}`);
}

function printSelectListItem(item: SelectListItem): string {
  switch (item.kind) {
    case 'SelectStarNode':
      return item.qualifier ? `${printQualifiedName(item.qualifier)}.*` : '*';
    case 'SelectItemNode':
      return item.alias ? `${printExpr(item.expr)} AS ${printIdentifier(item.alias.name)}` : printExpr(item.expr);
    default:
      return assertNever(item, 'select list item');
  }
}

/** Items joined by commas, except `CROSS JOIN` before an UNNEST (Flink's documented form). */
function printFromList(refs: readonly TableRef[], indent: string): string {
  return refs.map((ref, i) => (i === 0 ? '' : ref.kind === 'UnnestRefNode' ? ' CROSS JOIN ' : ', ') + printTableRef(ref, indent)).join('');
}

export function printTableRef(ref: TableRef, indent = ''): string {
  switch (ref.kind) {
    case 'TableNameRefNode':
      return `${printQualifiedName(ref.name)}${printAlias(ref.alias)}`;
    case 'SubqueryRefNode': {
      const inner = indent + INDENT;
      return `(\n${inner}${printQuery(ref.query, inner)}\n${indent})${printAlias(ref.alias)}`;
    }
    case 'TableFunctionRefNode': {
      const call = printTableFunction(ref.call);
      const text = ref.call.kind === 'VectorSearchNode' || ref.call.form === 'lateral' ? `LATERAL TABLE(${call})` : call;
      return `${text}${printAlias(ref.alias)}`;
    }
    case 'UnnestRefNode':
      return `UNNEST(${printExpr(ref.collection)})${ref.ordinality ? ' WITH ORDINALITY' : ''}${printAlias(ref.alias)}`;
    default:
      return assertNever(ref, 'FROM item');
  }
}

function printTableFunction(call: TableFunctionCall): string {
  return call.kind === 'MlPredictNode' ? printMlPredict(call) : printVectorSearch(call);
}

/** VECTOR_SEARCH[_AGG] in the form it was written: positional (code order) or named. */
function printVectorSearch(call: VectorSearchNode): string {
  const name = call.aggregate ? 'VECTOR_SEARCH_AGG' : 'VECTOR_SEARCH';
  const operands: Array<[string, string]> = [
    ['SEARCH_TABLE', `TABLE ${printQualifiedName(call.table)}`],
    ['COLUMN_TO_SEARCH', `DESCRIPTOR(${call.columns.map((c) => printIdentifier(c.name)).join(', ')})`],
    ['COLUMN_TO_QUERY', printExpr(call.query)],
    ['TOP_K', printExpr(call.topK)],
    ...(call.config ? [['CONFIG', printExpr(call.config)] as [string, string]] : []),
  ];
  return `${name}(${operands.map(([param, text]) => (call.named ? `${param} => ${text}` : text)).join(', ')})`;
}

function printAlias(alias: AliasNode | null): string {
  if (!alias) return '';
  const columns = alias.columns ? `(${alias.columns.map((c) => printIdentifier(c.name)).join(', ')})` : '';
  return ` AS ${printIdentifier(alias.name.name)}${columns}`;
}
