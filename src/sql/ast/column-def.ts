import type { ComputedColumnNode } from './computed-column-node.js';
import type { MetadataColumnNode } from './metadata-column-node.js';
import type { PhysicalColumnNode } from './physical-column-node.js';

/** A column of CREATE TABLE, in declaration order. */
export type ColumnDef = PhysicalColumnNode | MetadataColumnNode | ComputedColumnNode;
