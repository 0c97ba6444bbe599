import type { Span } from '../../errors/diagnostic.js';
import type { Expr } from './expr.js';
import type { SelectListItem } from './select-list-item.js';
import type { TableRef } from './table-ref.js';
import { nodeFactory } from './node.js';

/** SELECT [DISTINCT] items [FROM refs] [WHERE expr]. `from` is empty when there is no FROM. */
export interface SelectNode {
  readonly kind: 'SelectNode';
  readonly distinct: boolean;
  readonly items: readonly SelectListItem[];
  readonly from: readonly TableRef[];
  readonly where: Expr | null;
  readonly span: Span;
}

export const SelectNode = nodeFactory<SelectNode>('SelectNode');
