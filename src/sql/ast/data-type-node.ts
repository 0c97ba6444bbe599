import type { Span } from '../../errors/diagnostic.js';
import type { DataType } from '../../types/data-type.js';
import { nodeFactory } from './node.js';

/** A column or CAST type: the logical `DataType` plus where it was written. */
export interface DataTypeNode {
  readonly kind: 'DataTypeNode';
  readonly type: DataType;
  readonly span: Span;
}

export const DataTypeNode = nodeFactory<DataTypeNode>('DataTypeNode');
