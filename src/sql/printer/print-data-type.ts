import { assertNever, type DataType } from '../../types/data-type.js';
import { printIdentifier } from './print-identifier.js';

const MAX_LENGTH = 2147483647;

/** Flink SQL text of a type: `VARCHAR(10)`, `ARRAY<FLOAT> NOT NULL`, `ROW<a INT, b STRING>`. */
export function printDataType(type: DataType): string {
  const text = printTypeBody(type);
  return type.nullable ? text : `${text} NOT NULL`;
}

function printTypeBody(type: DataType): string {
  switch (type.kind) {
    case 'STRING':
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
    case 'BYTES':
    case 'NULL':
      return type.kind;
    case 'VARCHAR':
      return type.length === MAX_LENGTH ? 'VARCHAR' : `VARCHAR(${type.length})`;
    case 'CHAR':
      return `CHAR(${type.length})`;
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return `${type.kind}(${type.precision})`;
    case 'ARRAY':
      return `ARRAY<${printDataType(type.element)}>`;
    case 'MAP':
      return `MAP<${printDataType(type.key)}, ${printDataType(type.value)}>`;
    case 'ROW':
      return `ROW<${type.fields.map((f) => `${printIdentifier(f.name)} ${printDataType(f.type)}`).join(', ')}>`;
    default:
      return assertNever(type, 'data type');
  }
}
