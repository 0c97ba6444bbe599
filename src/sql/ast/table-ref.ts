import type { SubqueryRefNode } from './subquery-ref-node.js';
import type { TableFunctionRefNode } from './table-function-ref-node.js';
import type { TableNameRefNode } from './table-name-ref-node.js';
import type { UnnestRefNode } from './unnest-ref-node.js';

/** One comma-separated FROM item. */
export type TableRef = TableNameRefNode | SubqueryRefNode | TableFunctionRefNode | UnnestRefNode;
