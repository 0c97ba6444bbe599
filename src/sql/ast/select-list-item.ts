import type { SelectItemNode } from './select-item-node.js';
import type { SelectStarNode } from './select-star-node.js';

export type SelectListItem = SelectItemNode | SelectStarNode;
