import { assertNever, type DataType } from './data-type.js';

/** VARCHAR of this length is Flink's STRING. */
const MAX_LENGTH = 2147483647;

/**
 * A type as Flink prints it in messages and DESCRIBE output (LogicalType#asSummaryString):
 * `STRING` for VARCHAR(2147483647), `DECIMAL(10, 2)`, `TIMESTAMP_LTZ(3)`, `ROW<`a` INT>`,
 * with ` NOT NULL` for non-nullable types.
 */
export function formatType(type: DataType): string {
  const suffix = type.nullable || type.kind === 'NULL' ? '' : ' NOT NULL';
  return formatBase(type) + suffix;
}

function formatBase(type: DataType): string {
  switch (type.kind) {
    case 'STRING':
      return 'STRING';
    case 'VARCHAR':
      return type.length === MAX_LENGTH ? 'STRING' : `VARCHAR(${type.length})`;
    case 'CHAR':
      return `CHAR(${type.length})`;
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
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return `${type.kind}(${type.precision})`;
    case 'ARRAY':
      return `ARRAY<${formatType(type.element)}>`;
    case 'MAP':
      return `MAP<${formatType(type.key)}, ${formatType(type.value)}>`;
    case 'ROW':
      return `ROW<${type.fields.map((f) => `\`${f.name.replace(/`/g, '``')}\` ${formatType(f.type)}`).join(', ')}>`;
    default:
      return assertNever(type, 'data type');
  }
}
