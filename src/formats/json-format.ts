import type { ResolvedOptions } from '../spi/config-spec.js';
import type { SyncFormat, SyncFormatFactory } from '../spi/format.js';
import type { Column, DataType } from '../types/data-type.js';
import { createJsonDecoder } from './json-decoder.js';
import { createJsonEncoder, type MapNullKeyMode } from './json-encoder.js';
import { typeName } from './scalar-text.js';
import type { TimestampStandard } from './temporal-text.js';

/** Flink's 'json' format: one JSON object per message, fields by column name. */
export const jsonFormat: SyncFormatFactory = {
  name: 'json',
  summary: 'One JSON object per message; fields matched by column name, nested ROW/ARRAY/MAP (Flink json).',
  spec: {
    options: [
      {
        key: 'fail-on-missing-field',
        type: { kind: 'boolean' },
        default: 'false',
        description: 'Fail on a record whose object lacks a field of the schema (otherwise the column is NULL).',
      },
      {
        key: 'ignore-parse-errors',
        type: { kind: 'boolean' },
        default: 'false',
        description: 'Skip records that cannot be decoded (counted and logged) instead of failing the job.',
      },
      {
        key: 'timestamp-format.standard',
        type: { kind: 'enum', values: ['SQL', 'ISO-8601'] },
        default: 'SQL',
        description: "Text of TIMESTAMP values: SQL 'yyyy-MM-dd HH:mm:ss.fff' or ISO-8601 'yyyy-MM-ddTHH:mm:ss.fff'; TIMESTAMP_LTZ adds 'Z'.",
      },
      {
        key: 'map-null-key.mode',
        type: { kind: 'enum', values: ['FAIL', 'DROP', 'LITERAL'] },
        default: 'FAIL',
        description: 'Writing a MAP with a NULL key: fail, drop the entry, or write the key as map-null-key.literal.',
      },
      {
        key: 'map-null-key.literal',
        type: { kind: 'string' },
        default: 'null',
        description: "The key text written for NULL map keys when map-null-key.mode is 'LITERAL'.",
      },
      {
        key: 'encode.decimal-as-plain-number',
        type: { kind: 'boolean' },
        default: 'false',
        description: 'Write DECIMAL values as plain numbers, never in exponent notation (1E+3 is written 1000).',
      },
      {
        key: 'encode.ignore-null-fields',
        type: { kind: 'boolean' },
        default: 'false',
        description: 'Leave out fields whose value is NULL when writing.',
      },
    ],
  },
  create(columns: readonly Column[], options: ResolvedOptions): SyncFormat {
    if (options.get<boolean>('fail-on-missing-field') && options.get<boolean>('ignore-parse-errors')) {
      throw new Error("json: 'fail-on-missing-field' and 'ignore-parse-errors' cannot both be true");
    }
    for (const c of columns) checkMapKeys(c.name, c.type);
    const timestampStandard = (options.get<string>('timestamp-format.standard') ?? 'SQL') as TimestampStandard;
    const decode = createJsonDecoder(columns, {
      failOnMissingField: options.get<boolean>('fail-on-missing-field') ?? false,
      timestampStandard,
    });
    const encode = createJsonEncoder(columns, {
      timestampStandard,
      decimalAsPlainNumber: options.get<boolean>('encode.decimal-as-plain-number') ?? false,
      ignoreNullFields: options.get<boolean>('encode.ignore-null-fields') ?? false,
      mapNullKeyMode: (options.get<string>('map-null-key.mode') ?? 'FAIL') as MapNullKeyMode,
      mapNullKeyLiteral: options.get<string>('map-null-key.literal') ?? 'null',
    });
    return { decode, encode };
  },
};

/** JSON object keys are text, so (as in Flink) a MAP key must be a character type. */
function checkMapKeys(path: string, t: DataType): void {
  switch (t.kind) {
    case 'MAP':
      if (t.key.kind !== 'STRING' && t.key.kind !== 'VARCHAR' && t.key.kind !== 'CHAR') {
        throw new Error(`json: column '${path}' is ${typeName(t)}, but JSON map keys must be STRING`);
      }
      checkMapKeys(path, t.value);
      return;
    case 'ARRAY':
      checkMapKeys(path, t.element);
      return;
    case 'ROW':
      for (const f of t.fields) checkMapKeys(`${path}.${f.name}`, f.type);
      return;
    default:
      return;
  }
}
