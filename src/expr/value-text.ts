import { assertNever, type DataType, type Value } from '../types/data-type.js';
import { decimalText, javaDoubleText, javaFloatText } from './number-text.js';
import { formatTimeText, formatTimestamp, parseTimeMs } from './temporal.js';

const utf8 = new TextDecoder('utf-8');

/**
 * A non-null value as CAST(x AS STRING) prints it in Flink 1.15+: 'TRUE', '1.0E10', DECIMAL
 * with all its scale digits, timestamps padded to their precision, `[1, 2]`, `{a=1}`, `(1, x)`.
 */
export function valueText(value: Value, type: DataType): string {
  if (value === null) return 'NULL';
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'DATE':
      return value as string;
    case 'BOOLEAN':
      return value ? 'TRUE' : 'FALSE';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return integerText(value as number);
    case 'FLOAT':
      return javaFloatText(value as number);
    case 'DOUBLE':
      return javaDoubleText(value as number);
    case 'DECIMAL':
      return decimalText(value as number, type.scale);
    case 'TIME':
      return formatTimeText(parseTimeMs(value as string) ?? 0, type.precision);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(value as Date, type.precision);
    case 'BYTES':
      return utf8.decode(value as Uint8Array);
    case 'ARRAY':
      return `[${(value as readonly Value[]).map((v) => valueText(v, type.element)).join(', ')}]`;
    case 'MAP':
      return `{${[...(value as ReadonlyMap<Value, Value>)].map(([k, v]) => `${valueText(k, type.key)}=${valueText(v, type.value)}`).join(', ')}}`;
    case 'ROW':
      return `(${(value as readonly Value[]).map((v, i) => valueText(v, type.fields[i]?.type ?? { kind: 'STRING', nullable: true })).join(', ')})`;
    case 'NULL':
      return 'NULL';
    default:
      return assertNever(type, 'data type');
  }
}

/** Integers beyond 2^53 print all their digits (1e21 would otherwise print as '1e+21'). */
function integerText(n: number): string {
  return Number.isSafeInteger(n) || !Number.isInteger(n) ? String(n) : BigInt(n).toString();
}
