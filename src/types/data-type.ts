/**
 * SQL logical types, as Flink names them. A leaf module: the SQL front end, the catalog,
 * the runtime, connectors and providers all speak these.
 *
 * Runtime values: character types -> string; BOOLEAN -> boolean; TINYINT..BIGINT, FLOAT,
 * DOUBLE, DECIMAL -> number; DATE -> 'YYYY-MM-DD' string; TIME -> 'HH:MM:SS[.fff]' string;
 * TIMESTAMP / TIMESTAMP_LTZ -> Date; BYTES -> Uint8Array; ARRAY -> Value[];
 * MAP -> Map<Value, Value>; ROW -> Value[] in field order; NULL -> null.
 */
export type DataType =
  | { readonly kind: 'STRING'; readonly nullable: boolean }
  | { readonly kind: 'VARCHAR' | 'CHAR'; readonly length: number; readonly nullable: boolean }
  | {
      readonly kind: 'BOOLEAN' | 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'DATE' | 'BYTES' | 'NULL';
      readonly nullable: boolean;
    }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number; readonly nullable: boolean }
  | { readonly kind: 'TIME' | 'TIMESTAMP' | 'TIMESTAMP_LTZ'; readonly precision: number; readonly nullable: boolean }
  | { readonly kind: 'ARRAY'; readonly element: DataType; readonly nullable: boolean }
  | { readonly kind: 'MAP'; readonly key: DataType; readonly value: DataType; readonly nullable: boolean }
  | { readonly kind: 'ROW'; readonly fields: readonly RowField[]; readonly nullable: boolean };

export interface RowField {
  readonly name: string;
  readonly type: DataType;
}

export type DataTypeKind = DataType['kind'];

export type Value =
  | null
  | string
  | number
  | boolean
  | Date
  | Uint8Array
  | readonly Value[]
  | ReadonlyMap<Value, Value>;

/** One record flowing through a pipeline: values in schema order. */
export type Row = Value[];

export interface Column {
  readonly name: string;
  readonly type: DataType;
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}
