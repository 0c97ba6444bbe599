import type { CreateConnectionNode, CreateModelNode, CreateTableNode, CreateViewNode, Expr, OptionNode } from '../sql/ast/index.js';
import type { Span } from '../errors/diagnostic.js';
import type { ConnectorFactory, TableDefinition } from '../spi/connector.js';
import type { ModelDefinition, ModelProviderFactory } from '../spi/model-provider.js';
import type { Column, DataType } from '../types/data-type.js';

export interface TableColumnEntry {
  readonly name: string;
  readonly type: DataType;
  readonly kind: 'physical' | 'metadata' | 'computed';
  readonly metadataKey?: string;
  readonly virtual?: boolean;
  /** The expression of a computed column. */
  readonly expr?: Expr;
  readonly span: Span;
}

export interface TableEntry {
  readonly kind: 'table';
  readonly name: string;
  readonly temporary: boolean;
  readonly node: CreateTableNode;
  /** All columns in declared order, computed ones included. */
  readonly columns: readonly TableColumnEntry[];
  readonly connector: ConnectorFactory;
  /** What the connector sees: physical and metadata columns, resolved options. */
  readonly definition: TableDefinition;
  /** Declared without WITH (...): a Confluent-style table backed by the topic of the same name. */
  readonly implicit: boolean;
  /** CREATE TABLE already reported problems with it: uses skip the connector's checks, which would repeat them. */
  readonly reported?: boolean;
}

export interface ViewEntry {
  readonly kind: 'view';
  readonly name: string;
  readonly temporary: boolean;
  readonly node: CreateViewNode;
}

export interface ModelEntry {
  readonly kind: 'model';
  readonly name: string;
  readonly temporary: boolean;
  readonly node: CreateModelNode;
  readonly inputs: readonly Column[];
  readonly outputs: readonly Column[];
  readonly provider: ModelProviderFactory;
  readonly definition: ModelDefinition;
  /** The WITH map as written (after ALTER MODEL SET/RESET). */
  readonly written: Readonly<Record<string, string>>;
  /** The options in effect: `written` plus what a referenced CONNECTION contributes. */
  readonly rawOptions: Readonly<Record<string, string>>;
  /** The option nodes of the last CREATE or ALTER ... SET: where a problem found later (an unset `${VAR}`) points. */
  readonly optionNodes?: readonly OptionNode[];
}

export interface ConnectionEntry {
  readonly kind: 'connection';
  readonly name: string;
  readonly node: CreateConnectionNode;
  readonly options: Readonly<Record<string, string>>;
}

export type CatalogEntry = TableEntry | ViewEntry | ModelEntry | ConnectionEntry;
