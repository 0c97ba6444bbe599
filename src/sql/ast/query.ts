import type { SelectNode } from './select-node.js';
import type { UnionAllNode } from './union-all-node.js';
import type { ValuesNode } from './values-node.js';

/** What INSERT, CREATE VIEW, a subquery or a query statement holds. */
export type Query = SelectNode | ValuesNode | UnionAllNode;
