import type { Parser } from './parser.js';

/** Clauses that may follow a query or a FROM item but need state predictd does not keep yet. */
const UNSUPPORTED_CLAUSES: readonly { readonly keywords: readonly string[]; readonly what: string }[] = [
  { keywords: ['GROUP'], what: 'GROUP BY (aggregation)' },
  { keywords: ['HAVING'], what: 'HAVING (aggregation)' },
  { keywords: ['WINDOW'], what: 'the WINDOW clause' },
  { keywords: ['QUALIFY'], what: 'QUALIFY' },
  { keywords: ['ORDER'], what: 'ORDER BY in a streaming query' },
  { keywords: ['LIMIT'], what: 'LIMIT in a streaming query' },
  { keywords: ['FETCH'], what: 'FETCH in a streaming query' },
  { keywords: ['OFFSET'], what: 'OFFSET in a streaming query' },
];

/** Joins and the like, checked after every FROM item. */
const UNSUPPORTED_FROM_CLAUSES: readonly { readonly keywords: readonly string[]; readonly what: string }[] = [
  { keywords: ['JOIN'], what: 'JOIN' },
  { keywords: ['INNER'], what: 'INNER JOIN' },
  { keywords: ['LEFT'], what: 'LEFT JOIN' },
  { keywords: ['RIGHT'], what: 'RIGHT JOIN' },
  { keywords: ['FULL'], what: 'FULL JOIN' },
  { keywords: ['CROSS'], what: 'CROSS JOIN' },
  { keywords: ['NATURAL'], what: 'NATURAL JOIN' },
  { keywords: ['FOR', 'SYSTEM_TIME'], what: 'a temporal join (FOR SYSTEM_TIME AS OF)' },
  { keywords: ['MATCH_RECOGNIZE'], what: 'MATCH_RECOGNIZE' },
  { keywords: ['TABLESAMPLE'], what: 'TABLESAMPLE' },
];

/** PD1005 at GROUP BY, ORDER BY, LIMIT ... when one comes next. */
export function rejectUnsupportedClause(p: Parser): void {
  reject(p, UNSUPPORTED_CLAUSES);
}

/** PD1005 at JOIN, FOR SYSTEM_TIME, MATCH_RECOGNIZE ... when one comes next. */
export function rejectUnsupportedFromClause(p: Parser): void {
  reject(p, UNSUPPORTED_FROM_CLAUSES);
}

function reject(p: Parser, clauses: readonly { readonly keywords: readonly string[]; readonly what: string }[]): void {
  const token = p.peek();
  if (token.kind !== 'ident') return;
  for (const clause of clauses) {
    if (p.isKeywords(...clause.keywords)) p.unsupported(clause.what, token);
  }
}
