import type { Span } from '../../errors/diagnostic.js';
import type { AliasNode } from './alias-node.js';
import type { Expr } from './expr.js';
import { nodeFactory } from './node.js';

/**
 * `UNNEST(collection) [WITH ORDINALITY] [AS] alias[(cols)]` in FROM, after `CROSS JOIN` (or a
 * comma): one row per element of an ARRAY (a ROW element spreads into its fields), or per entry
 * of a MAP (KEY, VALUE); WITH ORDINALITY appends the 1-based position.
 */
export interface UnnestRefNode {
  readonly kind: 'UnnestRefNode';
  readonly collection: Expr;
  readonly ordinality: boolean;
  readonly alias: AliasNode | null;
  readonly span: Span;
}

export const UnnestRefNode = nodeFactory<UnnestRefNode>('UnnestRefNode');
